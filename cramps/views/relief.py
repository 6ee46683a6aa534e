"""The public relief pages: the "cramp now" guide, one page per technique, prevention, evidence,
red flags. No login: they are opened mid-cramp, often at night, so they stay small and fast.

Visitors get them whole from Django's cache framework (`public_page`, for CACHE_SECONDS: a
fixture reload or an admin edit shows within that time); signed-in users get them rendered on
each request, one query per kind of library row.
"""

from django.db.models import Case, IntegerField, Value, When
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from cramps.models import PreventionTip, RedFlag, ReliefTechnique
from cramps.views.public import public_page

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


def _red_flags():
    return RedFlag.objects.annotate(rank=_MOST_URGENT_FIRST).order_by(
        "rank", "display_order", "slug"
    )


@public_page
def home(request):
    return render(request, "cramps/home.html")


@public_page
def guide(request):
    answer = request.GET.get("clot")
    if answer == "yes":
        # A possible clot: only the urgent advice, never a massage step (see the template).
        flags = _red_flags().filter(about_clot=True).only("title", "urgency", "signs", "action")
        return render(request, "cramps/relief/guide_clot.html", {"flags": flags})
    techniques = (
        ReliefTechnique.objects.filter(in_cramp_guide=True)
        .only(*_GUIDE_FIELDS)
        .order_by(_STRETCH_FIRST, "display_order", "slug")
    )
    context = {
        "techniques": techniques,
        "log_url": reverse("cramps:episode_add"),
        "answered_no": answer == "no",
    }
    return render(request, "cramps/relief/guide.html", context)


@public_page
def technique_detail(request, slug):
    technique = get_object_or_404(ReliefTechnique, slug=slug)
    return render(request, "cramps/relief/technique.html", {"technique": technique})


@public_page
def prevention(request):
    tips = PreventionTip.objects.order_by("display_order", "slug")
    return render(request, "cramps/relief/prevention.html", {"tips": tips})


@public_page
def evidence(request):
    return render(request, "cramps/relief/evidence.html")


@public_page
def red_flags(request):
    return render(request, "cramps/relief/red_flags.html", {"flags": _red_flags()})
