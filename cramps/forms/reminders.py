from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout
from django import forms

from cramps.models import ReminderSchedule
from cramps.reminders.snooze import ACTIONS

LEAD_MIN, LEAD_MAX = 5, 180


class ReminderScheduleForm(forms.ModelForm):
    """One reminder kind's settings; the page shows one per kind, each with its own prefix."""

    lead_minutes = forms.IntegerField(
        label="Minutes before",
        min_value=LEAD_MIN,
        max_value=LEAD_MAX,
        help_text=f"How long before bedtime or the session, {LEAD_MIN} to {LEAD_MAX} minutes.",
    )

    class Meta:
        model = ReminderSchedule
        fields = ["enabled", "lead_minutes", "in_app", "by_email"]
        labels = {
            "enabled": "Remind me",
            "in_app": "In the app (the bell)",
            "by_email": "By email",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        # Both kinds share one <form> and one CSRF token, rendered by the page.
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Fieldset(
                self.instance.get_kind_display(), "enabled", "lead_minutes", "in_app", "by_email"
            )
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("enabled") and not (cleaned.get("in_app") or cleaned.get("by_email")):
            self.add_error(
                "in_app", "Choose in the app, by email or both, or turn this reminder off."
            )
        return cleaned


class SnoozeForm(forms.Form):
    action = forms.ChoiceField(choices=[(a, a) for a in ACTIONS])
