"""Generated from the URL conf and the API router: every route that takes an object id answers
404 to another user, for every method, and leaves the row as it was.

A new route with an id and no case here fails `test_every_id_route_has_an_outsider_case`: add
the model it serves to WEB_ROUTES (the API's viewsets name their model themselves).
"""

import datetime as dt

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from cramps.models import (
    CheckIn,
    CrampEpisode,
    ExerciseSession,
    Experiment,
    HydrationEntry,
    IntakeEntry,
    Notification,
    PreventionTip,
    ReliefTechnique,
    ReminderDelivery,
    StretchEntry,
)
from tests.factories import CrampEpisodeFactory, ExerciseSessionFactory, HydrationFactory

# Route parameters that never name a user's row (library slugs, signed tokens, dates, formats).
NOT_OWNED = {"slug", "format", "uidb64", "token", "day", "kind", "action", "year", "month"}

# Web routes with an id -> the model whose id it takes.
WEB_ROUTES = {
    "cramps:checkin_edit": CheckIn,
    "cramps:checkin_delete": CheckIn,
    "cramps:episode_edit": CrampEpisode,
    "cramps:episode_delete": CrampEpisode,
    "cramps:drink_edit": HydrationEntry,
    "cramps:drink_delete": HydrationEntry,
    "cramps:intake_edit": IntakeEntry,
    "cramps:intake_delete": IntakeEntry,
    "cramps:stretch_edit": StretchEntry,
    "cramps:stretch_delete": StretchEntry,
    "cramps:exercise_edit": ExerciseSession,
    "cramps:exercise_delete": ExerciseSession,
    "cramps:notification_read": Notification,
    "cramps:delivery_snooze": ReminderDelivery,
    "cramps:experiment": Experiment,
    "cramps:experiment_stop": Experiment,
    "cramps:experiment_delete": Experiment,
}


def _walk(resolver, namespace=""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", entry


def _params(pattern: URLPattern) -> set[str]:
    return set(pattern.pattern.regex.groupindex)


def _id_routes():
    """(url name, model, param names) for every route that takes something else than a slug."""
    routes = {}
    for name, pattern in _walk(get_resolver()):
        if name.startswith("admin:"):
            continue  # staff only, with Django's own permission checks
        params = _params(pattern)
        if not params - NOT_OWNED:
            continue
        cls = getattr(pattern.callback, "cls", None)
        queryset = getattr(cls, "queryset", None)
        model = queryset.model if queryset is not None else WEB_ROUTES.get(name)
        routes.setdefault(name, (model, set()))[1].update(params)
    return sorted(routes.items())


ROUTES = _id_routes()


def test_every_id_route_has_an_outsider_case():
    missing = [name for name, (model, _) in ROUTES if model is None]
    assert not missing, f"routes with an id and no outsider case: {missing}"
    assert len(ROUTES) >= 20  # the web's edit/delete pages and the API's detail routes


def _row(model, owner):
    now = timezone.now()
    if model == ExerciseSession:
        return ExerciseSessionFactory(user=owner)
    if model is CrampEpisode:
        return CrampEpisodeFactory(user=owner)
    if model is HydrationEntry:
        return HydrationFactory(user=owner)
    if model is IntakeEntry:
        entry = IntakeEntry(user=owner, at=now)
        entry.set_contents(None, None, "Magnesium", {"magnesium_mg": 100})
        entry.save()
        return entry
    if model is StretchEntry:
        technique = ReliefTechnique.objects.order_by("slug").first()
        return StretchEntry.objects.create(
            user=owner, at=now, technique=technique, duration_minutes=5, occasion="other"
        )
    if model is CheckIn:
        return CheckIn.objects.create(user=owner, date=now.date() - dt.timedelta(days=1))
    if model is ReminderDelivery:
        return ReminderDelivery.objects.create(
            user=owner, kind="bedtime", occurrence="2026-01-01", due_at=now, status="sent"
        )
    if model is Experiment:
        return Experiment.objects.create(
            user=owner,
            habit=PreventionTip.objects.get(slug="stretch-before-bed"),
            start_date=owner.local_today(),
            seed=5,
        )
    if model is Notification:
        return Notification.objects.create(user=owner, title="Stretch", body="Now")
    raise AssertionError(f"no builder for {model}: add one here")


def _snapshot(row):
    fresh = type(row).objects.filter(pk=row.pk).values().first()
    return fresh


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "route"), ROUTES, ids=[name for name, _ in ROUTES])
def test_an_outsider_gets_404_and_changes_nothing(client, owner, outsider, name, route):
    model, params = route
    row = _row(model, owner)
    before = _snapshot(row)
    kwargs = {"pk": row.pk} if "pk" in params else {}
    urls = [reverse(name, kwargs=kwargs)]
    if "format" in params:
        urls.append(reverse(name, kwargs={**kwargs, "format": "json"}))
    client.force_login(outsider)

    for url in urls:
        for method in ("get", "post", "put", "patch", "delete"):
            response = getattr(client, method)(url, content_type="application/json")
            assert response.status_code in (404, 405), (method, url, response.status_code)
            if response.status_code == 405:
                # A method the route never takes: the same answer for an id that does not
                # exist, so it tells nothing about the row.
                missing = url.replace(f"/{row.pk}", "/987654321")
                assert getattr(client, method)(missing).status_code == 405, (method, url)

    assert _snapshot(row) == before
