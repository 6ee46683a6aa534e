"""Response headers that Django's SecurityMiddleware does not set."""

from django.conf import settings
from django.utils.cache import patch_cache_control


class SecurityHeadersMiddleware:
    """Permissions-Policy on every response; `Cache-Control: private` on every response to a
    signed-in user, so no shared cache (a proxy, a CDN) keeps one person's page for another.

    Static files never get here: WhiteNoise answers them earlier in the chain.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True)
        return response
