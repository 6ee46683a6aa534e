"""Installable and offline: the web app manifest, the service worker and the favicon.

The service worker is a view, not a static file: it must be served from the site's root to
control every page, and it names the hashed URLs of the static files it keeps, so a deploy that
changes any of them changes the worker, and the browser installs the new one.
"""

import hashlib
import json

from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers, quote_etag
from django.utils.http import parse_etags
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from cramps.middleware import preferred_language
from cramps.models import ReliefTechnique

# What a person needs mid-cramp with no signal: the guide and everything it links to.
OFFLINE_PAGES = (
    "cramps:guide",
    "cramps:home",
    "cramps:red_flags",
    "cramps:prevention",
    "cramps:evidence",
)
# A signed-in person's pages where they log offline: kept on their device from their last visit.
OWN_PAGES = ("cramps:today", "cramps:episode_add")
# The static files those pages use (base.html and the relief pages); keep in step with them.
OFFLINE_STATIC = (
    "bootstrap/css/bootstrap.min.css",
    "cramps/css/app.css",
    "cramps/css/guide.css",
    "cramps/js/guide.js",
    "cramps/js/outbox.js",
    "cramps/js/sw-register.js",
    "cramps/css/logs.css",
    "cramps/js/logs.js",
    "cramps/icons/icon.svg",
    "cramps/icons/icon-32.png",
    "cramps/icons/icon-192.png",
)


def _icons():
    return [
        {"src": static("cramps/icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
        {"src": static("cramps/icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
        {
            "src": static("cramps/icons/icon-maskable-512.png"),
            "sizes": "512x512",
            "type": "image/png",
            "purpose": "maskable",
        },
        {"src": static("cramps/icons/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
    ]


@require_GET
def manifest(request):
    data = {
        "name": "Crampless",
        "short_name": "Crampless",
        "description": _("Relief for a leg cramp, step by step, and a daily prevention habit."),
        "start_url": reverse("cramps:guide"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#212529",
        "theme_color": "#b02a37",
        "icons": _icons(),
    }
    response = JsonResponse(data, content_type="application/manifest+json")
    patch_cache_control(response, public=True, max_age=3600)
    return response


@require_GET
def service_worker(request):
    # The worker lives at /sw.js in every language; the pages it keeps are in the reader's own
    # (the /zh-hans/ ones for a Chinese reader), so the guide offline reads as it did online.
    with translation.override(preferred_language(request)):
        response = _service_worker(request)
    patch_vary_headers(response, ("Accept-Language", "Cookie"))
    return response


def _service_worker(request):
    techniques = ReliefTechnique.objects.order_by("slug").values_list("slug", flat=True)
    pages = [reverse(name) for name in OFFLINE_PAGES]
    pages += [reverse("cramps:technique", args=[slug]) for slug in techniques]
    assets = [static(path) for path in OFFLINE_STATIC]
    version = hashlib.sha256(json.dumps([pages, assets]).encode()).hexdigest()[:16]
    etag = quote_etag(version)
    # Browsers ask for the worker on every visit: a match costs a 304 and no body.
    # Compressed responses carry a weak ETag (W/"..."): the same version either way.
    sent = [tag.removeprefix("W/") for tag in parse_etags(request.headers.get("If-None-Match", ""))]
    if etag in sent:
        response = HttpResponse(status=304)
    else:
        body = render_to_string(
            "cramps/sw.js",
            {
                "version": version,
                "pages": json.dumps(pages),
                "assets": json.dumps(assets),
                "fallback": json.dumps(reverse("cramps:guide")),
                "mine": json.dumps([reverse(name) for name in OWN_PAGES]),
            },
        )
        response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["ETag"] = etag
    patch_cache_control(response, no_cache=True)
    return response


def favicon(request):
    # Browsers ask for /favicon.ico before reading the page's <link rel="icon">.
    return redirect(static("cramps/icons/icon-32.png"))
