"""`public_page`: a page everyone sees alike, cached whole for visitors by Django's own cache
framework (`cache_page` + `vary_on_cookie`), never for a signed-in user.

What is never stored, so never served to anyone else:
- a signed-in user's page (their nav: name, unread count, log-out form): rendered each request
  and marked `Cache-Control: private`; the cache is not even read for them;
- a visitor's page that drew a CSRF token (the cookie it sets is theirs) or showed messages.
Everything else a visitor sees is shared for CACHE_SECONDS, so a library edit (admin, fixtures)
shows within that time.
"""

from functools import wraps

from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.cache import cache_page
from django.views.decorators.vary import vary_on_cookie

CACHE_SECONDS = 300


def _is_requests_own(request, response) -> bool:
    """The response holds something of this request alone: a CSRF token, a message, a cookie."""
    storage = getattr(request, "_messages", None)
    return bool(
        request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        or (storage is not None and len(storage))
        or response.cookies
    )


def _private_unless_shared(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if _is_requests_own(request, response):
            # `cache_page` never stores a private response.
            patch_cache_control(response, private=True)
        return response

    return wrapper


def public_page(view):
    """Cache `view`'s page for visitors; signed-in users get it rendered, marked private."""
    for_visitors = cache_page(CACHE_SECONDS)(vary_on_cookie(_private_unless_shared(view)))

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.is_authenticated:
            response = view(request, *args, **kwargs)
            patch_cache_control(response, private=True)
            patch_vary_headers(response, ["Cookie"])
            return response
        return for_visitors(request, *args, **kwargs)

    return wrapper
