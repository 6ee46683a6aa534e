"""Request-wide settings that follow the signed-in user."""

from zoneinfo import ZoneInfoNotFoundError

from django.conf import settings
from django.http import HttpResponseRedirect
from django.urls import Resolver404, get_script_prefix, resolve
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers


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


# Served at the root in every language: a service worker or an icon never follows a redirect.
_NEVER_PREFIXED = {"service_worker", "manifest", "favicon"}


def preferred_language(request) -> str:
    """The reader's language: the profile's if signed in and set, else the language cookie,
    else the browser's Accept-Language, else English. Never raises on a bad value."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.language:
        try:
            return translation.get_supported_language_variant(user.language)
        except LookupError:
            pass  # a language since removed from LANGUAGES: fall through
    return translation.get_language_from_request(request)


class UserLanguageMiddleware:
    """Choose the language of a page whose URL does not name one.

    LocaleMiddleware (before us) honours a /zh-hans/ prefix and otherwise activates English,
    as `i18n_patterns(prefix_default_language=False)` wants. A reader who prefers another
    language is sent from an unprefixed page to its prefixed twin (GET only); pages outside
    `i18n_patterns` (sign-in, the API) are shown in that language where they are.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if translation.get_language_from_path(request.path_info):
            return self.get_response(request)
        language = preferred_language(request)
        if language == settings.LANGUAGE_CODE:
            return self.get_response(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        try:
            resolve(request.path_info)
            return self.get_response(request)  # outside i18n_patterns: the same URL for all
        except Resolver404:
            pass
        prefixed = f"/{language}{request.path_info}"
        try:
            match = resolve(prefixed)
        except Resolver404:
            match = None
        if match and match.url_name not in _NEVER_PREFIXED and request.method in ("GET", "HEAD"):
            query = request.META.get("QUERY_STRING", "")
            response = HttpResponseRedirect(
                get_script_prefix() + prefixed[1:] + (f"?{query}" if query else "")
            )
            patch_vary_headers(response, ("Accept-Language", "Cookie"))
            return response
        # An English URL (a POST, the worker): served in English, as the URL says.
        translation.activate(settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = settings.LANGUAGE_CODE
        return self.get_response(request)
