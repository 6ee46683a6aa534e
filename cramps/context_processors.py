from django.conf import settings
from django.urls import translate_url
from django.utils import translation
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


def language_switch(request):
    """The switcher's target: this page in each other language (`translate_url` keeps the page)."""
    current = translation.get_language() or settings.LANGUAGE_CODE
    path = request.get_full_path()
    return {
        "other_languages": [
            {"code": code, "name": name, "next": translate_url(path, code)}
            for code, name in settings.LANGUAGES
            if code != current
        ]
    }
