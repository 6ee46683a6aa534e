"""What every per-user model shares: one way to reach a user's own rows."""

from django.db import models
from django.utils.encoding import force_str


class UserOwnedQuerySet(models.QuerySet):
    """Views, the API and the admin reach a user's rows only through `for_user`."""

    def for_user(self, user):
        return self.filter(user=user)


class ChoiceLabels:
    """`get_FOO_display()` without hashing every choice's label.

    Django's own builds a dict of the field's choices on each call, hashing each lazy label,
    which translates it: a list of 25 cramps made about 800 gettext calls. This walks the few
    choices and translates only the one shown; the text is the same.
    """

    def _get_FIELD_display(self, field):
        value = getattr(self, field.attname)
        for choice, label in field.flatchoices:
            if choice == value:
                return force_str(label, strings_only=True)
        return force_str(value, strings_only=True)
