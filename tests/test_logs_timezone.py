import pytest
import time_machine

from cramps.models import HydrationEntry
from tests.conftest import NOW
from tests.factories import UserFactory


def test_pages_show_and_read_times_in_the_signed_in_users_zone(client, db):
    user = UserFactory(timezone="Asia/Kolkata")  # UTC+05:30
    client.force_login(user)
    with time_machine.travel(NOW, tick=False):
        assert b'value="2026-03-10T14:30"' in client.get("/log/drink/").content
        client.post("/log/drink/", {"amount_ml": "200", "at": "2026-03-10T14:00"})
    assert HydrationEntry.objects.get().at.isoformat() == "2026-03-10T08:30:00+00:00"


def test_an_unknown_zone_name_falls_back_to_utc_instead_of_failing(client, db):
    user = UserFactory(timezone="Mars/Olympus_Mons")
    client.force_login(user)
    with time_machine.travel(NOW, tick=False):
        response = client.get("/log/drink/")
    assert response.status_code == 200
    assert b'value="2026-03-10T09:00"' in response.content


def test_it_lets_anonymous_visitors_through(client, db):
    assert client.get("/").status_code == 200


def test_a_time_that_does_not_exist_locally_gets_a_message(owner_client):
    # Berlin's clocks jump from 02:00 to 03:00 on 29 March 2026.
    with time_machine.travel("2026-03-30 09:00Z", tick=False):
        response = owner_client.post("/log/drink/", {"amount_ml": "200", "at": "2026-03-29T02:30"})
    assert response.status_code == 200
    assert "the clocks skipped it" in response.context["form"].errors["at"][0]
    assert HydrationEntry.objects.count() == 0


def test_a_time_in_the_hour_the_clocks_repeat_is_its_first_occurrence(outsider_client):
    # New York's clocks go back from 02:00 EDT to 01:00 EST on 2 November 2025: 01:30 happens
    # twice. A night cramp then must still be loggable; the first 01:30 (EDT, UTC-4) is meant.
    with time_machine.travel("2025-11-02 12:00Z", tick=False):
        response = outsider_client.post(
            "/log/drink/", {"amount_ml": "200", "at": "2025-11-02T01:30"}
        )
    assert response.status_code == 302
    assert HydrationEntry.objects.get().at.isoformat() == "2025-11-02T05:30:00+00:00"


@pytest.mark.parametrize("at", ["0001-01-01T00:00", "1899-12-31T23:59", "1900-01-01T08:00"])
def test_a_time_before_1900_gets_a_message_not_an_error(client, db, at):
    # In Tokyo (UTC+9), year 1 at midnight is before year 1 began in UTC: out of range.
    client.force_login(UserFactory(timezone="Asia/Tokyo"))
    with time_machine.travel(NOW, tick=False):
        response = client.post("/log/drink/", {"amount_ml": "200", "at": at})
    assert response.status_code == 200
    assert response.context["form"].errors["at"] == ["Enter a date after 1900."]
    assert f'value="{at}"'.encode() in response.content
    assert HydrationEntry.objects.count() == 0


def test_a_time_after_the_last_representable_year_gets_a_message(outsider_client):
    with time_machine.travel(NOW, tick=False):
        response = outsider_client.post(
            "/log/drink/", {"amount_ml": "200", "at": "9999-12-31T23:00"}
        )
    assert response.context["form"].errors["at"] == ["This time is too far in the future."]
    assert HydrationEntry.objects.count() == 0
