"""API throttles: writes per user (or per address for a request without an account)."""

from rest_framework.throttling import UserRateThrottle

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class WriteRateThrottle(UserRateThrottle):
    """At most API_WRITE_RATE writes (POST, PUT, PATCH, DELETE) per user; reads are free."""

    scope = "write"

    def allow_request(self, request, view):
        if request.method in SAFE_METHODS:
            return True
        return super().allow_request(request, view)
