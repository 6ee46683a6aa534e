"""The relief library: reference data loaded from fixtures, keyed by slug."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modeltranslation.utils import build_localized_fieldname


class SlugManager(models.Manager):
    """Fixtures refer to library rows by slug, so they survive re-loading on any database."""

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class _LibraryRow(models.Model):
    # Lists whose items match one to one in every language (cramps/translation.py gives each
    # language its own column): the guide counts steps down, so a translation may not add or
    # drop one.
    PARALLEL_LISTS: tuple[str, ...] = ()

    slug = models.SlugField(max_length=60, unique=True)
    source_url = models.URLField(max_length=500)
    display_order = models.PositiveSmallIntegerField(default=0)

    objects = SlugManager()

    class Meta:
        abstract = True
        ordering = ["display_order", "slug"]

    def natural_key(self):
        return (self.slug,)

    def clean(self):
        super().clean()
        errors = {}
        for field in self.PARALLEL_LISTS:
            english = getattr(self, build_localized_fieldname(field, "en")) or []
            for code, _name in settings.LANGUAGES:
                column = build_localized_fieldname(field, code)
                translated = getattr(self, column) or []
                if translated and english and len(translated) != len(english):
                    errors[column] = _(
                        "Give %(expected)d items, one for each English item (there are %(given)d)."
                    ) % {"expected": len(english), "given": len(translated)}
        if errors:
            raise ValidationError(errors)


class EvidenceLevel(models.TextChoices):
    SUPPORTED = "supported", _("Supported")
    LOW_CERTAINTY = "low_certainty", _("Low-certainty support")
    # A sensible habit no trial has tested (the quadriceps stretch, the warm-up), as the tips have.
    PLAUSIBLE = "plausible", _("Plausible, not tested")
    TRADITIONAL = "traditional", _("Traditional practice")


# The library row behind "did my bedtime routine" (fixtures/techniques.json).
BEDTIME_ROUTINE_SLUG = "bedtime-routine"


class ReliefTechnique(_LibraryRow):
    class Kind(models.TextChoices):
        ACUPOINT = "acupoint", _("Acupressure point")
        MASSAGE = "massage", _("Massage")
        STRETCH = "stretch", _("Stretch")
        ROUTINE = "routine", _("Routine")

    PARALLEL_LISTS = ("steps", "cautions")

    name = models.CharField(max_length=100)
    native_name = models.CharField(max_length=50, blank=True)
    point_code = models.CharField(max_length=10, blank=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    summary = models.CharField(max_length=200)
    location = models.TextField(help_text=_("Where it is, in landmarks a person can find."))
    steps = models.JSONField(default=list, help_text=_("Ordered steps, one string each."))
    duration_seconds = models.PositiveSmallIntegerField()
    evidence = models.CharField(max_length=15, choices=EvidenceLevel.choices)
    evidence_note = models.TextField(blank=True)
    traditional_claim = models.TextField(
        blank=True, help_text=_("What traditional Chinese medicine says it does; shown as such.")
    )
    cautions = models.JSONField(default=list)
    more_sources = models.JSONField(default=list, blank=True)
    # Shown in the "cramp now" guide, in display order. Stretches and routines that are only
    # for prevention (the bedtime routine, a warm-up) are logged but not walked through there.
    in_cramp_guide = models.BooleanField(default=True)
    # Needs hands on the leg: hidden when a red flag (a possible clot) is answered yes.
    is_massage = models.BooleanField(default=True)

    class Meta(_LibraryRow.Meta):
        pass

    def __str__(self):
        return f"{self.name} ({self.point_code})" if self.point_code else self.name

    @classmethod
    def bedtime_routine(cls):
        """The bedtime routine of the library, or None while the library is not loaded."""
        return (
            cls.objects.filter(slug=BEDTIME_ROUTINE_SLUG).first()
            or cls.objects.filter(kind=cls.Kind.ROUTINE, slug__contains="bedtime").first()
        )

    @property
    def is_traditional(self):
        return self.evidence == EvidenceLevel.TRADITIONAL

    @property
    def is_stretch(self):
        return self.kind in (self.Kind.STRETCH, self.Kind.ROUTINE)


class TipEvidence(models.TextChoices):
    LOW_CERTAINTY_SUPPORTED = "low_certainty_supported", _("Low-certainty support")
    PLAUSIBLE = "plausible", _("Plausible, weak evidence")
    GENERAL_HEALTH = "general_health", _("Good for general health; cramp benefit unproven")
    TRADITIONAL = "traditional", _("Traditional advice, no evidence")
    NO_EVIDENCE = "no_evidence", _("No evidence; harmless")


class PreventionTip(_LibraryRow):
    class Category(models.TextChoices):
        HYDRATION = "hydration", _("Hydration")
        ELECTROLYTES = "electrolytes", _("Electrolytes")
        STRETCHING = "stretching", _("Stretching")
        WARM_UP = "warm_up", _("Warm-up")
        CLOTHING = "clothing", _("Clothing")
        WARMTH = "warmth", _("Warmth")
        LOAD = "load", _("Load")
        MOOD = "mood", _("Mood")

    title = models.CharField(max_length=150)
    body = models.TextField()
    category = models.CharField(max_length=15, choices=Category.choices)
    evidence = models.CharField(max_length=25, choices=TipEvidence.choices)
    note = models.TextField(blank=True, help_text=_("A caution or nuance that matters."))
    # The seed page a tip was taken from, shown as "where this tip comes from"; `source_url`
    # is then a source that supports what the tip says.
    origin_url = models.URLField(max_length=500, blank=True)
    more_sources = models.JSONField(default=list, blank=True)

    class Meta(_LibraryRow.Meta):
        pass

    def __str__(self):
        return self.title


class RedFlag(_LibraryRow):
    class Urgency(models.TextChoices):
        EMERGENCY = "emergency", _("Emergency: call the emergency number")
        SAME_DAY = "same_day", _("Get care today")
        SEE_DOCTOR = "see_doctor", _("See a doctor")

    PARALLEL_LISTS = ("signs",)

    title = models.CharField(max_length=150)
    urgency = models.CharField(max_length=12, choices=Urgency.choices)
    signs = models.JSONField(default=list)
    action = models.TextField()
    # Shown when the guide's "one leg swollen, warm or red?" check is answered yes.
    about_clot = models.BooleanField(default=False)

    class Meta(_LibraryRow.Meta):
        pass

    def __str__(self):
        return self.title


class FoodItem(_LibraryRow):
    class Kind(models.TextChoices):
        FOOD = "food", _("Food")
        DRINK = "drink", pgettext_lazy("a kind of food item", "Drink")
        SUPPLEMENT = "supplement", _("Supplement")

    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.FOOD)
    portion = models.CharField(max_length=60, help_text=_("e.g. 1 medium (118 g)"))
    potassium_mg = models.PositiveIntegerField(default=0)
    calcium_mg = models.PositiveIntegerField(default=0)
    magnesium_mg = models.PositiveIntegerField(default=0)
    sodium_mg = models.PositiveIntegerField(default=0)
    note = models.CharField(max_length=200, blank=True)

    class Meta(_LibraryRow.Meta):
        pass

    def __str__(self):
        return f"{self.name}, {self.portion}"

    MINERALS = ("potassium", "calcium", "magnesium", "sodium")

    def minerals(self):
        return {m: getattr(self, f"{m}_mg") for m in self.MINERALS}
