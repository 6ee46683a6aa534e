from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.utils.translation import gettext_lazy as _

from cramps.models import ReminderSchedule
from cramps.models.reminders import LEAD_MAX, LEAD_MIN
from cramps.reminders.snooze import ACTIONS

from .rules import model_number


class ReminderScheduleForm(forms.ModelForm):
    """One reminder kind's settings; the page shows one per kind, each with its own prefix."""

    lead_minutes = model_number(
        ReminderSchedule,
        "lead_minutes",
        label=_("Minutes before"),
    )

    class Meta:
        model = ReminderSchedule
        fields = ["enabled", "lead_minutes", "in_app", "by_email"]
        labels = {
            "enabled": _("Remind me"),
            "in_app": _("In the app (the bell)"),
            "by_email": _("By email"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_minutes"].help_text = _(
            "How long before bedtime or the session, %(low)s to %(high)s minutes."
        ) % {"low": LEAD_MIN, "high": LEAD_MAX}
        self.helper = FormHelper()
        self.helper.form_tag = False
        # Both kinds share one <form> and one CSRF token, rendered by the page.
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Fieldset(
                self.instance.get_kind_display(), "enabled", "lead_minutes", "in_app", "by_email"
            )
        )

    # A reminder that is on needs a channel: `ReminderSchedule.clean()`.


class SnoozeForm(forms.Form):
    action = forms.ChoiceField(choices=[(a, a) for a in ACTIONS])
