"""The form that starts a personal experiment. Its rules are the model's (`Experiment.clean()`,
the fields' validators): the form only chooses widgets and the words of a bad choice."""

from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from cramps.models import Experiment
from cramps.models import experiments as rules


class ExperimentForm(forms.ModelForm):
    habit = forms.ModelChoiceField(
        queryset=rules.eligible_habits(),
        to_field_name="slug",
        label=_("The habit to test"),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"invalid_choice": rules.NOT_A_HABIT, "required": rules.NOT_A_HABIT},
    )

    class Meta:
        model = Experiment
        fields = ["habit", "block_days", "pairs", "start_date"]
        labels = {
            "block_days": _("Length of each block"),
            "pairs": _("Pairs of blocks"),
            "start_date": _("First night"),
        }
        widgets = {
            "block_days": forms.RadioSelect,
            "pairs": forms.RadioSelect,
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        error_messages = {
            "block_days": {"invalid_choice": rules.BLOCK_CHOICE, "required": rules.BLOCK_CHOICE},
            "pairs": {"invalid_choice": rules.PAIRS_CHOICE, "required": rules.PAIRS_CHOICE},
            "start_date": {"invalid": _("Enter a date, e.g. 2026-03-10.")},
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.user = user
        # The model's choices without Django's empty "---------" option.
        for name in ("block_days", "pairs"):
            self.fields[name].choices = [c for c in self.fields[name].choices if c[0] != ""]
        self.fields["start_date"].initial = user.local_today()
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def save(self, commit=True):
        """Start the experiment (`Experiment.start()`); a ValidationError means nothing was saved:
        the view shows it on the form."""
        assert commit, "an experiment is started at once"
        self.instance.start()
        return self.instance
