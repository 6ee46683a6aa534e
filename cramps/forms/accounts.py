"""Sign-up, the profile (zone, sleep, quiet hours, targets) and the weekly routine formset."""

import datetime as dt
from functools import cache
from zoneinfo import available_timezones

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Field, Fieldset, Layout, Row
from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms.models import BaseInlineFormSet, inlineformset_factory
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from cramps.models import RoutineSlot, User
from cramps.reminders import schedule
from cramps.targets import default_targets
from cramps.validators import known_zone

from .rules import formfield_with_rules

DRINKS_HELP = _("Drink to thirst; this is a guide, not a quota. Don't force extra fluid.")
SEX_HELP = _("Optional. Only used to choose default targets and show pregnancy notes.")
BIRTH_YEAR_HELP = _(
    "Optional. Calcium's default is 1,200 mg for women from 51 and men from 71 (NIH)."
)
SODIUM_HELP = _(
    "A limit to stay under, not a goal: under 2,300 mg (US National Academies) or 2,000 mg (WHO)."
)
TIMEZONE_HELP = _("Reminders and your daily totals follow this zone.")

# Profile field -> attribute of cramps.targets.Targets.
TARGET_FIELDS = {
    "drinks_target_ml": "drinks_ml",
    "potassium_target_mg": "potassium_mg",
    "calcium_target_mg": "calcium_mg",
    "magnesium_target_mg": "magnesium_mg",
    "sodium_target_mg": "sodium_mg",
}


@cache
def timezone_choices() -> list[str]:
    """Zones for the <datalist>: the Area/City names people pick from, plus UTC."""
    return sorted(n for n in available_timezones() if "/" in n and not n.startswith("Etc/")) + [
        "UTC"
    ]


def _timezone_widget() -> forms.TextInput:
    # The list keeps the field usable without JavaScript; timezone.js suggests the browser's zone.
    return forms.TextInput(
        attrs={
            "list": "timezone-list",
            "autocomplete": "off",
            "spellcheck": "false",
            "autocapitalize": "off",
            "data-tz-detect": "",
            "data-tz-default": User._meta.get_field("timezone").default,
        }
    )


def _time_widget() -> forms.TimeInput:
    return forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def _form_text(text) -> HTML:
    """A short note under a fieldset's legend, in the reader's language (the layout is built
    for each request, so the text is translated then)."""
    return HTML(f'<p class="form-text mt-0">{escape(text)}</p>')


class _CrispyMixin:
    """Crispy rendering inside our own <form> tag (the templates hold the tag and the buttons)."""

    def _add_helper(self, layout=None):
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the page's own <form> carries the token
        if layout is not None:
            self.helper.layout = layout


class _AllPasswordMessagesAtOnce:
    """A mismatch takes the second password out of `cleaned_data`, so Django skips the strength
    check until the next submit; run it on the first password as well, so a weak password and
    a mismatch are both reported at once."""

    first_password, second_password = "password1", "password2"

    def _post_clean(self):
        super()._post_clean()
        password = self.cleaned_data.get(self.first_password)
        if (
            password
            and self.has_error(self.second_password)
            and not self.has_error(self.first_password)
        ):
            user = getattr(self, "user", None) or self.instance
            try:
                password_validation.validate_password(password, user)
            except ValidationError as error:
                self.add_error(self.first_password, error)


class SignupForm(_AllPasswordMessagesAtOnce, _CrispyMixin, auth_forms.UserCreationForm):
    """Sign-up that never tells whether an email has an account: `accounts.sign_up()` decides
    what happens to a valid form, and the page says "check your email" either way."""

    field_order = ("username", "email", "password1", "password2", "timezone", "email_reminders")

    email_reminders = forms.BooleanField(
        required=False,
        initial=False,
        label=_("Send me reminders by email too"),
        help_text=_(
            "Reminders always appear in the app. Email is off unless you ask for it; "
            "you can change this any time in the reminder settings."
        ),
    )

    class Meta(auth_forms.UserCreationForm.Meta):
        model = User
        fields = ("username", "email", "timezone")
        widgets = {"timezone": _timezone_widget()}
        help_texts = {"timezone": TIMEZONE_HELP}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        self.fields["email"].help_text = _(
            "We send a link to confirm it. Also for resetting your password and, if you want, "
            "reminders."
        )
        self.fields["timezone"].label = _("Time zone")
        self._add_helper()

    def clean_email(self):
        # No uniqueness check here: an error would tell anyone that the email has an account.
        return User.objects.normalize_email(self.cleaned_data["email"])

    def clean_timezone(self):
        return known_zone(self.cleaned_data["timezone"])

    def validate_unique(self):
        # The email's uniqueness is handled by `accounts.sign_up()`, out of sight.
        exclude = self._get_validation_exclusions()
        exclude.add("email")
        try:
            self.instance.validate_unique(exclude=exclude)
        except ValidationError as e:
            self._update_errors(e)


def switched_targets(
    values: dict,
    old_sex: str,
    new_sex: str,
    reset: bool = False,
    old_birth_year: int | None = None,
    new_birth_year: int | None = None,
    today: dt.date | None = None,
) -> dict:
    """Targets after a change of sex or birth year: values still at the old defaults follow the
    new defaults. Values the user chose themselves stay, unless they asked for a reset.
    """
    old = default_targets(old_sex, old_birth_year, today)
    new = default_targets(new_sex, new_birth_year, today)
    result = dict(values)
    for field, attr in TARGET_FIELDS.items():
        if field in values and (reset or values[field] == getattr(old, attr)):
            result[field] = getattr(new, attr)
    return result


class ProfileForm(_CrispyMixin, forms.ModelForm):
    reset_targets = forms.BooleanField(
        required=False,
        label=_("Reset the targets to the defaults"),
        help_text=_("The defaults depend on the sex you chose above."),
    )

    class Meta:
        model = User
        formfield_callback = formfield_with_rules
        fields = (
            "language",
            "timezone",
            "bedtime",
            "wake_time",
            "quiet_hours_start",
            "quiet_hours_end",
            "sex",
            "birth_year",
            "pregnant",
            "drinks_target_ml",
            "potassium_target_mg",
            "calcium_target_mg",
            "magnesium_target_mg",
            "sodium_target_mg",
            "medicines",
        )
        widgets = {
            "timezone": _timezone_widget(),
            "bedtime": _time_widget(),
            "wake_time": _time_widget(),
            "quiet_hours_start": _time_widget(),
            "quiet_hours_end": _time_widget(),
        }
        labels = {
            "timezone": _("Time zone"),
            "bedtime": _("Bedtime"),
            "wake_time": _("Wake time"),
            "quiet_hours_start": _("Quiet from"),
            "quiet_hours_end": _("Quiet until"),
            "sex": _("Sex"),
            "pregnant": _("I am pregnant"),
            "drinks_target_ml": _("Drinks (ml a day)"),
            "potassium_target_mg": _("Potassium (mg)"),
            "calcium_target_mg": _("Calcium (mg)"),
            "magnesium_target_mg": _("Magnesium (mg)"),
            "sodium_target_mg": _("Sodium limit (mg)"),
            "birth_year": _("Year of birth"),
            "medicines": _("Medicines you take"),
        }
        help_texts = {
            "birth_year": BIRTH_YEAR_HELP,
            "sodium_target_mg": SODIUM_HELP,
            "medicines": _(
                "Optional, one a line, for the report you can print for your doctor. Some "
                "medicines (statins, diuretics) can cause cramps: never stop one without advice."
            ),
            "timezone": TIMEZONE_HELP,
            "drinks_target_ml": DRINKS_HELP,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.targets_switched = False
        self._add_helper(
            Layout(
                Fieldset(_("Language and time zone"), "language", "timezone"),
                Fieldset(
                    _("Sleep"),
                    Row(
                        Column("bedtime", css_class="col-6"),
                        Column("wake_time", css_class="col-6"),
                    ),
                ),
                Fieldset(
                    _("Quiet hours for reminders"),
                    _form_text(_("No reminders between these times. Leave both empty for none.")),
                    Row(
                        Column("quiet_hours_start", css_class="col-6"),
                        Column("quiet_hours_end", css_class="col-6"),
                    ),
                ),
                Fieldset(
                    _("About you"),
                    _form_text(SEX_HELP),
                    "sex",
                    "birth_year",
                    "pregnant",
                ),
                Fieldset(
                    _("Daily targets"),
                    "drinks_target_ml",
                    Row(
                        Column(Field("potassium_target_mg"), css_class="col-6"),
                        Column(Field("calcium_target_mg"), css_class="col-6"),
                    ),
                    Row(
                        Column(Field("magnesium_target_mg"), css_class="col-6"),
                        Column(Field("sodium_target_mg"), css_class="col-6"),
                    ),
                    "reset_targets",
                ),
                Fieldset(_("For your doctor"), Field("medicines", rows=3)),
            )
        )

    def clean_timezone(self):
        return known_zone(self.cleaned_data["timezone"])

    # Quiet hours both or neither, pregnancy only with a matching sex: `User.clean()`.

    def clean(self):
        cleaned = super().clean()
        sex = cleaned.get("sex")
        if sex is not None and "birth_year" not in self.errors:
            old_sex = self.instance.sex if self.instance.pk else ""
            old_year = self.instance.birth_year if self.instance.pk else None
            year = cleaned.get("birth_year")
            reset = cleaned.get("reset_targets", False)
            if sex != old_sex or year != old_year or reset:
                # The age turns at the user's midnight, in the zone this form saves.
                local = User(timezone=cleaned.get("timezone") or self.instance.timezone)
                switched = switched_targets(
                    cleaned,
                    old_sex,
                    sex,
                    reset,
                    old_birth_year=old_year,
                    new_birth_year=year,
                    today=local.local_today(),
                )
                self.targets_switched = switched != cleaned
                cleaned.update(switched)
        return cleaned

    @transaction.atomic
    def save(self, commit=True):
        assert commit, "the profile is saved at once: reminders follow it"
        user = super().save()
        schedule.refresh_schedules(user)
        return user


class RoutineSlotForm(forms.ModelForm):
    class Meta:
        model = RoutineSlot
        formfield_callback = formfield_with_rules
        fields = ("weekday", "start_time", "duration_minutes", "activity")
        widgets = {"start_time": _time_widget()}
        labels = {
            "weekday": _("Weekday"),
            "start_time": _("Starts at"),
            "duration_minutes": _("Minutes"),
            "activity": _("Activity"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activity"].widget.attrs["placeholder"] = _("e.g. Running")
        self.fields["weekday"].choices = [("", _("Choose a day")), *RoutineSlot.Weekday.choices]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.render_hidden_fields = True
        self.helper.layout = Layout(
            Row(
                Column("weekday", css_class="col-6"),
                Column("start_time", css_class="col-6"),
            ),
            Row(
                Column("duration_minutes", css_class="col-4"),
                Column("activity", css_class="col-8"),
            ),
            "DELETE",
        )


class BaseRoutineFormSet(BaseInlineFormSet):
    """The whole weekly routine of one user: validated as a set and saved without clashes."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove this slot")

    def validate_unique(self):
        # The formset holds every slot of the user, so a clash can only be between its own forms;
        # say which slot clashes instead of Django's generic "duplicate data" message.
        seen = set()
        for form in self.forms:
            if not form.is_valid() or self._should_delete_form(form):
                continue
            key = (form.cleaned_data.get("weekday"), form.cleaned_data.get("start_time"))
            if None in key:
                continue
            if key in seen:
                form.add_error(
                    "start_time",
                    ValidationError(
                        _(
                            "You already have a slot on %(weekday)s at %(time)s. "
                            "Change the day or the time, or remove one of them."
                        ),
                        code="slot_clash",
                        params={
                            "weekday": RoutineSlot.Weekday(key[0]).label,
                            "time": f"{key[1]:%H:%M}",
                        },
                    ),
                )
            seen.add(key)

    @transaction.atomic
    def save(self, commit=True):
        """Delete, then move, then add: so swapping two slots' times never hits the constraint.
        Reminders follow the routine in the same transaction."""
        assert commit, "the routine is always saved at once"
        self.saved_forms = []
        self.save_existing_objects(commit=False)
        self.save_new_objects(commit=False)
        for obj in self.deleted_objects:
            obj.delete()
        moved = [
            obj for obj, changed in self.changed_objects if {"weekday", "start_time"} & set(changed)
        ]
        # A moved slot may take the old time of another moved slot: take them all out first and put
        # them back with the same ids.
        RoutineSlot.objects.filter(pk__in=[obj.pk for obj in moved]).delete()
        for obj in moved:
            obj.save(force_insert=True)
        for obj, _changed in self.changed_objects:
            if obj not in moved:
                obj.save()
        for obj in self.new_objects:
            obj.save()
        if self.deleted_objects or self.changed_objects or self.new_objects:
            schedule.refresh_schedules(self.instance)
        return [obj for obj, _ in self.changed_objects] + self.new_objects


RoutineFormSet = inlineformset_factory(
    User,
    RoutineSlot,
    form=RoutineSlotForm,
    formset=BaseRoutineFormSet,
    extra=1,
    can_delete=True,
    max_num=21,
    validate_max=True,
)


class LoginForm(_CrispyMixin, auth_forms.AuthenticationForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._add_helper()


class PasswordChangeForm(_AllPasswordMessagesAtOnce, _CrispyMixin, auth_forms.PasswordChangeForm):
    first_password, second_password = "new_password1", "new_password2"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._add_helper()


class PasswordResetForm(_CrispyMixin, auth_forms.PasswordResetForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._add_helper()


class SetPasswordForm(_AllPasswordMessagesAtOnce, _CrispyMixin, auth_forms.SetPasswordForm):
    first_password, second_password = "new_password1", "new_password2"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._add_helper()
