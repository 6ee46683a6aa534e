import datetime as dt

import pytest
import time_machine

from cramps.models import CheckIn, ReliefTechnique, StretchEntry
from tests.conftest import NOW


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _technique(slug, kind, **extra):
    technique, _ = ReliefTechnique.objects.get_or_create(
        slug=slug,
        defaults=dict(
            name=slug.replace("-", " ").capitalize(),
            kind=kind,
            summary="A stretch",
            location="Both legs",
            duration_seconds=180,
            evidence="low_certainty",
            source_url="https://pubmed.ncbi.nlm.nih.gov/22341378/",
            in_cramp_guide=False,
            **extra,
        ),
    )
    return technique


@pytest.fixture
def hamstring(db):
    return _technique("test-stretch-hamstring", ReliefTechnique.Kind.STRETCH)


@pytest.fixture
def bedtime(db):
    return _technique("bedtime-routine", ReliefTechnique.Kind.ROUTINE)


def test_it_logs_a_stretch(owner_client, owner, hamstring):
    data = {"technique": hamstring.pk, "duration_minutes": "5", "occasion": "before_exercise"}
    assert owner_client.post("/log/stretch/", data).status_code == 302
    entry = StretchEntry.objects.get(user=owner)
    assert (entry.technique, entry.duration_minutes, entry.occasion) == (
        hamstring,
        5,
        "before_exercise",
    )


def test_it_offers_only_stretches_and_routines(owner_client, hamstring, bedtime):
    acupoint = _technique("test-stretch-acupoint", ReliefTechnique.Kind.ACUPOINT)
    choices = owner_client.get("/log/stretch/").context["form"].fields["technique"].queryset
    assert hamstring in choices
    assert bedtime in choices
    assert acupoint not in choices


def test_it_refuses_a_technique_that_is_not_a_stretch(owner_client):
    acupoint = _technique("test-stretch-acupoint", ReliefTechnique.Kind.ACUPOINT)
    data = {"technique": acupoint.pk, "duration_minutes": "5", "occasion": "other"}
    response = owner_client.post("/log/stretch/", data)
    assert response.status_code == 200
    assert "not in the list" in response.context["form"].errors["technique"][0]
    assert StretchEntry.objects.count() == 0


@pytest.mark.parametrize("minutes", ["0", "-1", "abc", "241"])
def test_it_refuses_impossible_durations(owner_client, hamstring, minutes):
    data = {"technique": hamstring.pk, "duration_minutes": minutes, "occasion": "other"}
    response = owner_client.post("/log/stretch/", data)
    assert response.status_code == 200
    assert "number" in response.context["form"].errors["duration_minutes"][0]
    assert f'value="{minutes}"'.encode() in response.content
    assert StretchEntry.objects.count() == 0


def test_one_tap_logs_the_bedtime_routine_and_ticks_the_check_in(owner_client, owner, bedtime):
    response = owner_client.post("/log/stretch/bedtime/", {"next": "/today/"})
    assert response.url == "/today/"
    entry = StretchEntry.objects.get(user=owner)
    assert (entry.technique, entry.duration_minutes, entry.occasion) == (bedtime, 3, "before_bed")
    checkin = CheckIn.objects.get(user=owner)
    assert (checkin.date, checkin.stretched_before_bed) == (dt.date(2026, 3, 10), True)


def test_the_bedtime_routine_keeps_the_other_answers_of_the_check_in(owner_client, owner, bedtime):
    CheckIn.objects.create(user=owner, date=dt.date(2026, 3, 10), warmed_up=False)
    owner_client.post("/log/stretch/bedtime/")
    owner_client.post("/log/stretch/bedtime/")  # twice: still one check-in, no error
    checkin = CheckIn.objects.get(user=owner)
    assert (checkin.warmed_up, checkin.stretched_before_bed) == (False, True)
    assert StretchEntry.objects.count() == 2


def test_the_bedtime_button_only_takes_a_post(owner_client, bedtime):
    assert owner_client.get("/log/stretch/bedtime/").status_code == 405
    assert StretchEntry.objects.count() == 0


def test_the_bedtime_button_says_so_when_the_library_lacks_the_routine(owner_client, db):
    ReliefTechnique.objects.filter(slug__contains="bedtime").delete()
    response = owner_client.post("/log/stretch/bedtime/", follow=True)
    assert b"not in the library yet" in response.content
    assert StretchEntry.objects.count() == 0


@pytest.mark.parametrize("path", ["/log/stretch/{pk}/", "/log/stretch/{pk}/delete/"])
def test_other_users_stretches_are_not_found(outsider_client, owner, hamstring, path):
    entry = StretchEntry.objects.create(
        user=owner, at=NOW, technique=hamstring, duration_minutes=4, occasion="other"
    )
    assert outsider_client.get(path.format(pk=entry.pk)).status_code == 404
    data = {"technique": hamstring.pk, "duration_minutes": "9", "occasion": "other"}
    assert outsider_client.post(path.format(pk=entry.pk), data).status_code == 404
    assert StretchEntry.objects.get(pk=entry.pk).duration_minutes == 4


def test_a_new_stretch_offers_three_minutes_before_bed(owner_client):
    form = owner_client.get("/log/stretch/").context["form"]
    assert (form["duration_minutes"].value(), form["occasion"].value()) == (3, "before_bed")
