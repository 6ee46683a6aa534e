"""Whatever body arrives, the API answers in JSON: a parse failure is a 400, never a 500."""

import pytest
from django.test import override_settings

from cramps.models import HydrationEntry

URL = "/api/v1/hydration/"

pytestmark = pytest.mark.django_db


def test_it_refuses_deeply_nested_json_with_a_json_400(owner_client):
    body = "[" * 10_000 + "]" * 10_000

    response = owner_client.post(URL, body, content_type="application/json")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "nested too deeply" in response.json()["detail"]
    assert not HydrationEntry.objects.exists()


def test_it_refuses_broken_json_with_a_json_400(owner_client):
    response = owner_client.post(URL, '{"amount_ml": ', content_type="application/json")

    assert response.status_code == 400
    assert "JSON parse error" in response.json()["detail"]


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_it_names_the_limit_of_a_body_too_large_in_json(owner_client):
    body = '{"amount_ml": 250, "drink": "' + "x" * 2000 + '"}'

    response = owner_client.post(URL, body, content_type="application/json")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "The request body is too large: the limit is 1,000 bytes."}
    assert not HydrationEntry.objects.exists()


def test_a_ten_megabyte_body_is_a_json_400_with_the_default_limit(owner_client):
    body = '{"amount_ml": 250, "drink": "' + "x" * (10 * 1024 * 1024) + '"}'

    response = owner_client.post(URL, body, content_type="application/json")

    assert response.status_code == 400
    assert "2,621,440 bytes" in response.json()["detail"]
