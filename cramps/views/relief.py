"""The public relief pages: the "cramp now" guide, one page per technique, prevention, evidence,
red flags. No login: they are opened mid-cramp, often at night, so they stay small and fast.

Speed: the library part of each list page is a fragment cache (`{% cache %}` in the templates),
keyed on `_library_version()`, one cheap aggregate query. The querysets handed to the templates are
lazy, so on a cache hit the rows are never fetched: a page costs that one query, two on a miss.
Count and max(pk) change when fixture rows are added or removed; an in-place edit (loaddata
updating a row by slug keeps both) shows up when the fragment expires (LIBRARY_CACHE_SECONDS).
Nothing per-user goes inside a cached fragment.
"""

from django.db.models import Case, Count, IntegerField, Max, QuerySet, Value, When
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse

from cramps.models import PreventionTip, RedFlag, ReliefTechnique

LIBRARY_CACHE_SECONDS = 300

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
_URGENT_NOW = (RedFlag.Urgency.EMERGENCY, RedFlag.Urgency.SAME_DAY)
_GUIDE_FIELDS = (
    "slug", "name", "native_name", "point_code", "kind", "location", "steps", "duration_seconds",
    "evidence", "evidence_note", "traditional_claim", "cautions", "is_massage",
)  # fmt: skip


def _library_version(queryset: QuerySet) -> str:
    numbers = queryset.order_by().aggregate(n=Count("pk"), top=Max("pk"))
    return f"{numbers['n']}.{numbers['top']}"


def _log_cramp_url() -> str:
    """The cramp log form belongs to the logs area; a plain path until its URL name exists."""
    try:
        return reverse("cramps:episode_add")
    except NoReverseMatch:
        return "/log/cramp/"


def _red_flags(urgencies=None) -> QuerySet:
    flags = RedFlag.objects.all()
    if urgencies:
        flags = flags.filter(urgency__in=urgencies)
    return flags.annotate(rank=_MOST_URGENT_FIRST).order_by("rank", "display_order", "slug")


def home(request):
    return render(request, "cramps/home.html")


def guide(request):
    if request.GET.get("clot") == "yes":
        # A possible clot: only the urgent advice, never a massage step (see the template).
        flags = _red_flags(_URGENT_NOW).only("title", "urgency", "signs", "action")
        context = {
            "flags": flags,
            "version": _library_version(flags),
            "cache_seconds": LIBRARY_CACHE_SECONDS,
        }
        return render(request, "cramps/relief/guide_clot.html", context)

    techniques = (
        ReliefTechnique.objects.filter(in_cramp_guide=True)
        .only(*_GUIDE_FIELDS)
        .order_by(_STRETCH_FIRST, "display_order", "slug")
    )
    context = {
        "techniques": techniques,
        "version": _library_version(techniques),
        "log_url": _log_cramp_url(),
        "answered_no": request.GET.get("clot") == "no",
        "cache_seconds": LIBRARY_CACHE_SECONDS,
    }
    return render(request, "cramps/relief/guide.html", context)


def technique_detail(request, slug):
    technique = get_object_or_404(ReliefTechnique, slug=slug)
    return render(request, "cramps/relief/technique.html", {"technique": technique})


def prevention(request):
    tips = PreventionTip.objects.order_by("display_order", "slug")
    context = {
        "tips": tips,
        "version": _library_version(tips),
        "cache_seconds": LIBRARY_CACHE_SECONDS,
    }
    return render(request, "cramps/relief/prevention.html", context)


def evidence(request):
    return render(request, "cramps/relief/evidence.html")


def red_flags(request):
    flags = _red_flags()
    context = {
        "flags": flags,
        "version": _library_version(flags),
        "cache_seconds": LIBRARY_CACHE_SECONDS,
    }
    return render(request, "cramps/relief/red_flags.html", context)
