"""The real 404 and 500 pages: friendly, with the way to the guide, never a list of URLs."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_a_missing_page_is_a_friendly_404_with_the_way_to_the_guide(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    page = response.content.decode()
    assert "We can&#x27;t find that page" in page or "We can't find that page" in page
    assert 'href="/cramp-now/"' in page
    assert "URLconf" not in page and "admin/" not in page


def test_a_server_error_is_a_friendly_500(settings):
    settings.ROOT_URLCONF = "tests.error_urls"
    response = Client(raise_request_exception=False).get("/boom/")

    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong on our side" in page
    assert 'href="/cramp-now/"' in page
    assert "Traceback" not in page
