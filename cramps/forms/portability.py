"""Import of a JSON export, and deleting the account (confirmed with the password)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cramps import portability

from .accounts import _CrispyMixin


class ImportForm(_CrispyMixin, forms.Form):
    file = forms.FileField(
        label=_("Export file (JSON)"),
        help_text=_("A file saved with “Download everything (JSON)”."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/json,.json"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._add_helper()


class DeleteAccountForm(_CrispyMixin, forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("Deleting cannot be undone. Download your data first if you want to keep it."),
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        self._add_helper()

    def clean_password(self):
        password = self.cleaned_data["password"]
        portability.check_delete_password(self.user, password)
        return password
