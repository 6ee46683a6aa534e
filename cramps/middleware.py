"""Request-wide settings that follow the signed-in user."""

from zoneinfo import ZoneInfoNotFoundError

from django.utils import timezone


class UserTimezoneMiddleware:
    """Activate the signed-in user's zone for the request.

    Forms then read a `datetime-local` value as the user's wall time, and templates show every
    stored UTC time in the user's zone, whatever the server's zone is.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        try:
            zone = user.tz
        except (ZoneInfoNotFoundError, ValueError):
            # A zone name the system no longer knows: UTC beats an error on every page.
            return self.get_response(request)
        with timezone.override(zone):
            return self.get_response(request)
