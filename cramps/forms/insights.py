"""The report's period: two dates, checked by the rule the API uses too (`check_period`)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cramps.insights.report import check_period


class ReportPeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            try:
                check_period(start, end, self.today)
            except ValidationError as error:
                for name, messages in error.message_dict.items():
                    for message in messages:
                        self.add_error(name, message)
        return cleaned
