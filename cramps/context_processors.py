from django.utils.functional import SimpleLazyObject

from cramps.models import Notification


def notifications(request):
    """The bell's unread count; the query runs only on pages that show the bell."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "unread_notifications": SimpleLazyObject(
            lambda: Notification.objects.for_user(user).unread().count()
        )
    }
