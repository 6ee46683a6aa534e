"""The public relief pages: the "cramp now" guide, one page per technique, prevention, evidence,
red flags. No login: they are opened mid-cramp, often at night, so they stay small and fast.

Speed, in two layers, both in Django's cache (per process by default) for CACHE_SECONDS:
- A visitor without a session or pending messages sees exactly what every other such visitor
  sees, so the whole page is rendered once and reused (`_public_page`): no query, no template.
- Signed-in users get their own nav (name, unread count), never cached; the library part of the
  page inside it is a `{% cache %}` fragment shared by everyone, so they pay one render of
  base.html and no library query on a hit.
The querysets handed to templates are lazy: on a hit they never run. A fixture reload or an admin
edit shows within CACHE_SECONDS (and `make run` restarts the processes, emptying the cache). We
chose a timeout over a version key (count, max pk) because that key costs a query on every
request, more than the rest of a cached page, and an in-place edit by slug does not change it.
"""

from django.conf import settings
from django.core.cache import cache
from django.db.models import Case, IntegerField, Value, When
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.cache import patch_vary_headers

from cramps.models import PreventionTip, RedFlag, ReliefTechnique

CACHE_SECONDS = 300

# The guide shows the stretch first whatever the fixture order: it is the best-supported step.
_STRETCH_FIRST = Case(
    When(kind=ReliefTechnique.Kind.STRETCH, then=Value(0)),
    default=Value(1),
    output_field=IntegerField(),
)
_MOST_URGENT_FIRST = Case(
    When(urgency=RedFlag.Urgency.EMERGENCY, then=Value(0)),
    When(urgency=RedFlag.Urgency.SAME_DAY, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)
_GUIDE_FIELDS = (
    "slug", "name", "native_name", "point_code", "kind", "location", "steps", "duration_seconds",
    "evidence", "evidence_note", "traditional_claim", "cautions", "is_massage",
)  # fmt: skip


def _public_page(request, template, get_context, variant=""):
    """Render `template`; for a visitor with no session and no messages, once per CACHE_SECONDS.

    `get_context` runs only when the page is rendered, so a cached page costs no query. It may
    raise Http404, which is never cached.
    """
    shared = not (settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES)
    key = f"relief:page:{request.path}:{variant}"
    # Stored encoded: bytes unpickle and go out without another pass over a 20 kB page.
    content = cache.get(key) if shared else None
    if content is not None:
        response = HttpResponse(content)
    else:
        context = {**get_context(), "cache_seconds": CACHE_SECONDS}
        if shared:
            content = render_to_string(template, context, request).encode()
            if not _used_per_request_values(request):
                cache.set(key, content, CACHE_SECONDS)
            response = HttpResponse(content)
        else:
            response = render(request, template, context)
    # The page differs with and without a session: shared caches must not mix them up.
    patch_vary_headers(response, ["Cookie"])
    return response


def _used_per_request_values(request) -> bool:
    """A page that drew a CSRF token or a CSP nonce is this request's own: never shared."""
    return bool(request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or "_csp_nonce" in vars(request))


def _log_cramp_url() -> str:
    """The cramp log form belongs to the logs area; a plain path until its URL name exists."""
    try:
        return reverse("cramps:episode_add")
    except NoReverseMatch:
        return "/log/cramp/"


def _red_flags():
    return RedFlag.objects.annotate(rank=_MOST_URGENT_FIRST).order_by(
        "rank", "display_order", "slug"
    )


def home(request):
    return _public_page(request, "cramps/home.html", dict)


def guide(request):
    answer = request.GET.get("clot")
    if answer == "yes":
        # A possible clot: only the urgent advice, never a massage step (see the template).
        def clot_context():
            flags = _red_flags().filter(about_clot=True)
            return {"flags": flags.only("title", "urgency", "signs", "action")}

        return _public_page(request, "cramps/relief/guide_clot.html", clot_context, "clot")

    def context():
        techniques = (
            ReliefTechnique.objects.filter(in_cramp_guide=True)
            .only(*_GUIDE_FIELDS)
            .order_by(_STRETCH_FIRST, "display_order", "slug")
        )
        return {
            "techniques": techniques,
            "log_url": _log_cramp_url(),
            "answered_no": answer == "no",
        }

    variant = "no" if answer == "no" else "steps"
    return _public_page(request, "cramps/relief/guide.html", context, variant)


def technique_detail(request, slug):
    def context():
        return {"technique": get_object_or_404(ReliefTechnique, slug=slug)}

    return _public_page(request, "cramps/relief/technique.html", context)


def prevention(request):
    def context():
        return {"tips": PreventionTip.objects.order_by("display_order", "slug")}

    return _public_page(request, "cramps/relief/prevention.html", context)


def evidence(request):
    return _public_page(request, "cramps/relief/evidence.html", dict)


def red_flags(request):
    return _public_page(request, "cramps/relief/red_flags.html", lambda: {"flags": _red_flags()})
