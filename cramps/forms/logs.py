"""The log forms of the web pages: a cramp, a drink, minerals, a stretch, exercise, a check-in.

Times are `datetime-local` inputs read in the active zone, which `UserTimezoneMiddleware` sets to
the signed-in user's zone: a user in Auckland typing 03:10 means 03:10 in Auckland.
"""

import datetime as dt

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Field, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cramps.forms import choices
from cramps.models import (
    CheckIn,
    CrampEpisode,
    ExerciseSession,
    FoodItem,
    HydrationEntry,
    IntakeEntry,
    ReliefTechnique,
    StretchEntry,
    TechniqueTrial,
)
from cramps.models.logs import MAX_NOTES
from cramps.reminders import schedule
from cramps.validators import Between, utc_from_wall_time

from .rules import model_number, number_field

BUTTONS = "cramps/logs/fields/buttons.html"

# Yes / no / not answered for a nullable boolean, as radio values that match str(True/False).
_YES_NO_UNSURE = (("True", _("Yes")), ("False", _("No")))


def _yes_no(label, unsure_label, **kwargs):
    return forms.TypedChoiceField(
        label=label,
        choices=(*_YES_NO_UNSURE, ("", unsure_label)),
        coerce=lambda value: value == "True",
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        **kwargs,
    )


class LocalDateTimeField(forms.DateTimeField):
    """A `datetime-local` input in the active zone; left empty, it means "now"."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("initial", timezone.now)
        kwargs.setdefault(
            "help_text", _("Filled in for you: change it if needed (empty means now).")
        )
        kwargs.setdefault(
            "error_messages", {"invalid": _("Enter a date and time, e.g. 2026-03-10 03:15.")}
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        # Django's own reading rejects a time the clocks repeat (fall back) as ambiguous and lets
        # one too far out overflow later; the API's rules apply instead (`utc_from_wall_time`).
        if value in self.empty_values:
            return None
        if isinstance(value, dt.datetime):
            result = value
        else:
            try:
                result = parse_datetime(str(value).strip())
            except ValueError:
                raise ValidationError(self.error_messages["invalid"], code="invalid") from None
            # Not ISO: the field's input formats (a parse that fails raises "invalid").
            result = result or super(forms.DateTimeField, self).to_python(str(value))
        return utc_from_wall_time(result, timezone.get_current_timezone())

    def clean(self, value):
        return super().clean(value) or timezone.now()


def _notes_field(label=None):
    return forms.CharField(
        label=label or _("Notes"),
        required=False,
        max_length=MAX_NOTES,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "max_length": format_lazy(_("Keep notes under {max} characters."), max=f"{MAX_NOTES:,}")
        },
    )


def _with_link(sentence, url, words) -> str:
    """A translated sentence with a link where its %(link)s placeholder is: the words around
    the link and the link's own words are escaped, so a translation can't break the page."""
    link = format_html('<a href="{}">{}</a>', url, words)
    return mark_safe(escape(sentence) % {"link": link})


def _helper(*layout):
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True  # the page's <form> carries the token
    if layout:
        helper.layout = Layout(*layout)
    return helper


class _LogForm(forms.ModelForm):
    """A new entry's form shows the fields' own defaults, not the blank model's empty values."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            for name in [n for n, value in self.initial.items() if value in (None, "")]:
                del self.initial[name]


class EpisodeForm(_LogForm):
    """A cramp: side and severity are the only taps needed; the rest has night-time defaults."""

    side = forms.ChoiceField(
        label=_("Which leg"),
        choices=CrampEpisode.Side.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the leg: left, right or both.")},
    )
    severity = forms.TypedChoiceField(
        label=_("How bad (1 mild, 10 worst)"),
        choices=[(n, str(n)) for n in range(1, 11)],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose how bad it was, from 1 to 10."),
            "invalid_choice": _("Choose how bad it was, from 1 to 10."),
        },
    )
    started_at = LocalDateTimeField(label=_("When it started"))
    duration = forms.ChoiceField(
        label=_("How long"),
        choices=[(key, label) for key, label, _seconds in choices.DURATIONS],
        initial=choices.DEFAULT_DURATION,
        widget=forms.RadioSelect,
        required=False,
    )
    duration_minutes = number_field(
        Between(1, 24 * 60, _(" minutes")), label=_("Or exact minutes"), required=False
    )
    muscle = forms.ChoiceField(
        label=_("Muscle"),
        choices=CrampEpisode.Muscle.choices,
        initial=CrampEpisode.Muscle.CALF,
        widget=forms.RadioSelect,
        required=False,
    )
    context = forms.ChoiceField(
        label=_("What you were doing"),
        choices=CrampEpisode.Context.choices,
        initial=CrampEpisode.Context.ASLEEP,
        widget=forms.RadioSelect,
        required=False,
    )
    notes = _notes_field()

    class Meta:
        model = CrampEpisode
        fields = ["side", "severity", "started_at", "muscle", "context", "notes"]

    # Short labels: five buttons share a phone's width.
    TRIAL_CHOICES = (
        ("", _("Not tried")),
        ("tried", _("Tried")),
        (TechniqueTrial.Outcome.HELPED, _("Helped")),
        (TechniqueTrial.Outcome.SOMEWHAT, _("A bit")),
        (TechniqueTrial.Outcome.NO, _("No help")),
    )

    def __init__(self, *args, tried=(), **kwargs):
        super().__init__(*args, **kwargs)
        # One query for the guide's techniques; each gets a "tried, and did it help?" field.
        self.techniques = list(ReliefTechnique.objects.filter(in_cramp_guide=True))
        earlier = {}
        if self.instance.pk:
            earlier = {t.technique_id: t.outcome or "tried" for t in self.instance.trials.all()}
            self.initial["duration"] = choices.duration_for_seconds(self.instance.duration_seconds)
        for technique in self.techniques:
            initial = earlier.get(technique.pk) or ("tried" if technique.slug in tried else "")
            self.fields[self.trial_field(technique)] = forms.ChoiceField(
                label=str(technique),
                choices=self.TRIAL_CHOICES,
                initial=initial,
                required=False,
                widget=forms.RadioSelect,
            )
        open_trials = bool(earlier or set(tried) & {t.slug for t in self.techniques})
        self.helper = _helper(
            Field("side", template=BUTTONS, wrapper_class="wide"),
            Field("severity", template=BUTTONS, wrapper_class="severity"),
            HTML(
                format_html(
                    '<button type="submit" class="btn btn-primary btn-lg w-100 mb-4">{}</button>',
                    _("Save"),
                )
            ),
            "started_at",
            Field("duration", template=BUTTONS),
            HTML(
                format_html(
                    '<p class="small text-warning-emphasis mt-n2 mb-3">{}</p>',
                    _with_link(
                        _(
                            "A cramp over 10 minutes that doesn't ease when you move needs "
                            "urgent advice: %(link)s."
                        ),
                        reverse("cramps:red_flags"),
                        _("when to get help"),
                    ),
                )
            ),
            "duration_minutes",
            Field("muscle", template=BUTTONS),
            Field("context", template=BUTTONS),
            HTML(
                format_html(
                    '<details class="mb-3"{}><summary class="fs-6 mb-2">{}</summary>',
                    " open" if open_trials else "",
                    _("Techniques tried"),
                )
            ),
            *[
                Field(self.trial_field(t), template=BUTTONS, wrapper_class="trial")
                for t in self.techniques
            ],
            HTML("</details>"),
            "notes",
        )

    def clean_muscle(self):
        return self.cleaned_data["muscle"] or CrampEpisode.Muscle.CALF

    # A new cramp made offline waits on the device and goes to the API (static/cramps/js/outbox.js):
    # the script needs each quick duration's seconds and each trial field's technique slug.
    @property
    def offline_log(self):
        return "" if self.instance.pk else "cramps"

    @property
    def offline_durations(self):
        return ";".join(f"{key}={seconds}" for key, _label, seconds in choices.DURATIONS)

    @property
    def offline_trials(self):
        return ";".join(f"{self.trial_field(t)}={t.slug}" for t in self.techniques)

    @staticmethod
    def trial_field(technique):
        return f"trial_{technique.pk}"

    def clean(self):
        data = super().clean()
        if "duration_minutes" in self.errors:
            return data
        minutes = data.get("duration_minutes")
        # Left out (a bare quick save): the choice the page offered.
        key = data.get("duration") or self.get_initial_for_field(
            self.fields["duration"], "duration"
        )
        if minutes:
            self.instance.duration_seconds = minutes * 60
        else:
            # An edit that keeps the same choice keeps the exact stored figure.
            old = self.instance.duration_seconds
            unchanged = old and choices.duration_for_seconds(old) == key
            self.instance.duration_seconds = old if unchanged else choices.seconds_for_duration(key)
        return data

    def trials(self):
        """(technique, outcome) for each technique marked as tried."""
        for technique in self.techniques:
            answer = self.cleaned_data.get(self.trial_field(technique))
            if answer:
                yield technique, "" if answer == "tried" else answer

    @transaction.atomic
    def save(self, commit=True):
        episode = super().save()
        # Only the techniques this form shows are replaced; other trials (e.g. from the API) stay.
        episode.trials.filter(technique__in=self.techniques).delete()
        TechniqueTrial.objects.bulk_create(
            TechniqueTrial(episode=episode, technique=technique, outcome=outcome)
            for technique, outcome in self.trials()
        )
        return episode


class DrinkForm(_LogForm):
    amount_ml = model_number(HydrationEntry, "amount_ml", label=_("Amount (ml)"))
    drink = forms.ChoiceField(
        label=_("What you drank"),
        choices=HydrationEntry.Drink.choices,
        initial=HydrationEntry.Drink.WATER,
        widget=forms.RadioSelect,
        required=False,
    )
    at = LocalDateTimeField(label=_("When"))

    class Meta:
        model = HydrationEntry
        fields = ["amount_ml", "drink", "at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("amount_ml", Field("drink", template=BUTTONS), "at")

    def clean_drink(self):
        # The one-tap buttons send only an amount: a glass of water.
        return self.cleaned_data["drink"] or HydrationEntry.Drink.WATER


class IntakeForm(_LogForm):
    """A catalogue food times servings, or direct amounts per mineral (a supplement)."""

    at = LocalDateTimeField(label=_("When"))
    food = forms.ModelChoiceField(
        label=_("Food or drink from the list"),
        queryset=FoodItem.objects.all(),
        required=False,
        empty_label=_("None: I'll enter the minerals"),
        error_messages={
            "invalid_choice": _("That food is not in the list. Choose one, or enter the minerals.")
        },
    )
    servings = model_number(
        IntakeEntry,
        "servings",
        label=_("Servings"),
        initial=1,
        help_text=_("Portions as listed, e.g. 1 or 0.5."),
        widget=forms.NumberInput(attrs={"step": "0.25"}),
    )
    label = forms.CharField(
        label=_("Name (a supplement, a food not in the list)"), max_length=100, required=False
    )
    potassium_mg = model_number(
        IntakeEntry, "potassium_mg", label=_("Potassium (mg)"), required=False
    )
    calcium_mg = model_number(IntakeEntry, "calcium_mg", label=_("Calcium (mg)"), required=False)
    magnesium_mg = model_number(
        IntakeEntry, "magnesium_mg", label=_("Magnesium (mg)"), required=False
    )
    sodium_mg = model_number(IntakeEntry, "sodium_mg", label=_("Sodium (mg)"), required=False)

    MINERAL_FIELDS = IntakeEntry.MINERAL_FIELDS

    class Meta:
        model = IntakeEntry
        fields = ["food", "servings", "label", *(f"{m}_mg" for m in FoodItem.MINERALS), "at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.food_id or self.instance.pk is None:
            # The stored mg of a food entry are computed: the form shows the food, not the sums.
            for name in self.MINERAL_FIELDS:
                self.initial[name] = None
        self.helper = _helper(
            HTML(
                format_html(
                    '<fieldset class="mb-3" id="intake-food"><legend class="fs-6">{}</legend>',
                    _("A food"),
                )
            ),
            "food",
            "servings",
            HTML("</fieldset>"),
            HTML(
                format_html(
                    '<fieldset class="mb-3" id="intake-direct"><legend class="fs-6">{}</legend>',
                    _("Or the amounts yourself (a supplement)"),
                )
            ),
            "label",
            *self.MINERAL_FIELDS,
            HTML("</fieldset>"),
            "at",
        )

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        food = data.get("food")
        amounts = {name: data.get(name) or 0 for name in self.MINERAL_FIELDS}
        # The servings box belongs to the food and always holds a number: without a food it
        # was not the user's input.
        servings = data.get("servings") if food else None
        try:
            self.instance.set_contents(food, servings, data.get("label", ""), amounts)
        except ValidationError as error:
            self.add_error(None, error)
            return data
        fields = ["food", "servings", "label", *self.MINERAL_FIELDS]
        data.update({name: getattr(self.instance, name) for name in fields})
        return data


class StretchForm(_LogForm):
    technique = forms.ModelChoiceField(
        label=_("Which stretch or routine"),
        queryset=ReliefTechnique.objects.filter(
            kind__in=[ReliefTechnique.Kind.STRETCH, ReliefTechnique.Kind.ROUTINE]
        ),
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose the stretch or routine you did."),
            "invalid_choice": _("That stretch is not in the list: choose one of these."),
        },
    )
    duration_minutes = model_number(
        StretchEntry, "duration_minutes", label=_("How long (minutes)"), initial=3
    )
    occasion = forms.ChoiceField(
        label=_("When"),
        choices=StretchEntry.Occasion.choices,
        initial=StretchEntry.Occasion.BEFORE_BED,
        widget=forms.RadioSelect,
    )
    at = LocalDateTimeField(label=_("Time"))

    class Meta:
        model = StretchEntry
        fields = ["technique", "duration_minutes", "occasion", "at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field("technique", template=BUTTONS, wrapper_class="stack"),
            "duration_minutes",
            Field("occasion", template=BUTTONS),
            "at",
        )


class ExerciseForm(_LogForm):
    starts_at = LocalDateTimeField(label=_("Starts"))
    duration_minutes = model_number(
        ExerciseSession, "duration_minutes", label=_("How long (minutes)"), initial=45
    )
    activity = forms.CharField(
        label=_("Activity"),
        max_length=60,
        # "Running" alone is also an experiment's status: the context keeps them apart.
        widget=forms.TextInput(attrs={"placeholder": pgettext_lazy("an activity", "Running")}),
    )
    intensity = forms.ChoiceField(
        label=_("Intensity"),
        choices=ExerciseSession.Intensity.choices,
        initial=ExerciseSession.Intensity.MODERATE,
        widget=forms.RadioSelect,
    )
    outdoors = forms.BooleanField(label=_("Outdoors"), required=False)
    cold_weather = forms.BooleanField(label=_("In the cold"), required=False)
    warmed_up = _yes_no(_("Warmed up first"), _("Not yet / not sure"))
    status = forms.ChoiceField(
        label=_("Status"),
        choices=ExerciseSession.Status.choices,
        initial=ExerciseSession.Status.PLANNED,
        widget=forms.RadioSelect,
    )

    class Meta:
        model = ExerciseSession
        fields = [
            "activity",
            "starts_at",
            "duration_minutes",
            "intensity",
            "outdoors",
            "cold_weather",
            "warmed_up",
            "status",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            "activity",
            "starts_at",
            "duration_minutes",
            Field("intensity", template=BUTTONS),
            "outdoors",
            "cold_weather",
            Field("warmed_up", template=BUTTONS),
            Field("status", template=BUTTONS),
        )

    # One line, and "done" only once started: the model's `clean()`, shared with the API.

    def save(self, commit=True):
        assert commit, "a session is always saved at once: its reminders follow"
        return schedule.save_session(super().save(commit=False))


class CheckInForm(forms.Form):
    """The day's habits, each yes / no / not today, saved with one tap."""

    note = _notes_field(_("Anything else about today"))

    def __init__(self, *args, past=False, **kwargs):
        super().__init__(*args, **kwargs)
        # A past day's unanswered habit is just that, not "not today".
        unsure = _("Not answered") if past else _("Not today")
        for name, label in CheckIn.HABITS:
            self.fields[name] = _yes_no(label, unsure)
        # Habits first, the note last: templates/cramps/_checkin_fields.html renders them in
        # this order, by hand (no crispy layout: it was a sixth of the today page's time).
        self.order_fields([name for name, _label in CheckIn.HABITS])

    @classmethod
    def initial_for(cls, checkin, entries) -> dict:
        """A saved check-in's answers, or what the day's log already tells."""
        if checkin is not None:
            return {name: getattr(checkin, name) for name, _ in CheckIn.HABITS} | {
                "note": checkin.note
            }
        return entries.suggested_habits()
