import datetime as dt

import pytest
import time_machine

from cramps.models import CheckIn
from tests.conftest import NOW

URL = "/api/v1/checkins/"

pytestmark = pytest.mark.django_db

# 23:30 UTC on 9 March is already 10 March in Berlin, where Alice lives.
LATE_EVENING_UTC = dt.datetime(2026, 3, 9, 23, 30, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _post(client, payload):
    return client.post(URL, payload, content_type="application/json")


def test_it_checks_in_for_the_users_local_today_by_default(owner_client, owner):
    with time_machine.travel(LATE_EVENING_UTC, tick=False):
        response = _post(owner_client, {"stretched_before_bed": True})

    assert response.status_code == 201
    assert response.json()["date"] == "2026-03-10"
    checkin = CheckIn.objects.get(pk=response.json()["id"])
    assert (checkin.user, checkin.stretched_before_bed, checkin.warmed_up) == (owner, True, None)


def test_a_second_check_in_for_the_same_date_updates_the_first(owner_client, owner):
    first = _post(owner_client, {"date": "2026-03-09", "stretched_before_bed": True, "note": "ok"})

    second = _post(owner_client, {"date": "2026-03-09", "warmed_up": False})

    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json()["id"] == first.json()["id"]
    checkin = CheckIn.objects.get(user=owner, date=dt.date(2026, 3, 9))
    # Answers not sent the second time are kept.
    assert (checkin.stretched_before_bed, checkin.warmed_up, checkin.note) == (True, False, "ok")
    assert CheckIn.objects.for_user(owner).count() == 1


def test_it_lists_check_ins_newest_first(owner_client, owner):
    _post(owner_client, {"date": "2026-03-08"})
    _post(owner_client, {"date": "2026-03-10"})
    _post(owner_client, {"date": "2026-03-09"})

    listed = owner_client.get(URL).json()["results"]

    assert [c["date"] for c in listed] == ["2026-03-10", "2026-03-09", "2026-03-08"]


def test_it_reads_replaces_patches_and_deletes_a_check_in(owner_client, owner):
    checkin = CheckIn.objects.create(user=owner, date=dt.date(2026, 3, 9), kept_warm=True)
    detail = f"{URL}{checkin.pk}/"

    assert owner_client.get(detail).json()["kept_warm"] is True

    response = owner_client.put(
        detail,
        {"date": "2026-03-09", "kept_warm": None, "loose_clothing": True},
        content_type="application/json",
    )
    assert response.status_code == 200
    checkin.refresh_from_db()
    assert (checkin.kept_warm, checkin.loose_clothing) == (None, True)

    response = owner_client.patch(detail, {"note": "tired"}, content_type="application/json")
    assert response.status_code == 200
    checkin.refresh_from_db()
    assert (checkin.note, checkin.loose_clothing) == ("tired", True)

    assert owner_client.delete(detail).status_code == 204
    assert not CheckIn.objects.filter(pk=checkin.pk).exists()


def test_moving_a_check_in_onto_a_taken_date_is_a_conflict(owner_client, owner):
    CheckIn.objects.create(user=owner, date=dt.date(2026, 3, 8))
    moving = CheckIn.objects.create(user=owner, date=dt.date(2026, 3, 9))

    response = owner_client.patch(
        f"{URL}{moving.pk}/", {"date": "2026-03-08"}, content_type="application/json"
    )

    assert response.status_code == 409
    assert response.json() == {"date": ["There is already a check-in for this date."]}


def test_another_users_check_in_on_the_same_date_is_no_conflict(owner_client, owner, outsider):
    theirs = CheckIn.objects.create(user=outsider, date=dt.date(2026, 3, 10), warmed_up=True)

    response = _post(owner_client, {"date": "2026-03-10", "warmed_up": False})

    assert response.status_code == 201
    theirs.refresh_from_db()
    assert theirs.warmed_up is True


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("date", "2026-03-11"),  # tomorrow in Berlin
        ("date", "10/03/2026"),
        ("date", "2026-02-30"),
        ("warmed_up", "sometimes"),
        ("warmed_up", [True]),
        ("note", "x" * 10_001),
    ],
)
def test_it_rejects_bad_input_with_a_message_on_the_field(owner_client, owner, field, value):
    response = _post(owner_client, {field: value})

    assert response.status_code == 400
    assert field in response.json()
    assert not CheckIn.objects.for_user(owner).exists()
