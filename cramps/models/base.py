"""What every per-user model shares: one way to reach a user's own rows."""

from django.db import models


class UserOwnedQuerySet(models.QuerySet):
    """Views, the API and the admin reach a user's rows only through `for_user`."""

    def for_user(self, user):
        return self.filter(user=user)
