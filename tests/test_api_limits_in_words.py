"""Issue 8 §5-6: dates before 1900 are refused for check-ins as for every kind, and out-of-range
servings are told as the allowed range in words, not as digit counts."""

import pytest

from cramps.models import CheckIn, IntakeEntry

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("day", ["0001-01-01", "1899-12-31"])
def test_a_check_in_before_1900_is_refused(owner_client, day):
    response = owner_client.post(
        "/api/v1/checkins/", {"date": day}, content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json() == {"date": ["Enter a date after 1900."]}
    assert not CheckIn.objects.exists()


@pytest.mark.parametrize("servings", [1000, 1e-30, "1000", "0.000000000000000000000000000001"])
def test_servings_out_of_range_say_the_range_in_words(owner_client, servings):
    response = owner_client.post(
        "/api/v1/intake/",
        {"food": "banana", "servings": servings},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json() == {"servings": ["Enter between 0.1 and 100 servings."]}
    assert not IntakeEntry.objects.exists()
