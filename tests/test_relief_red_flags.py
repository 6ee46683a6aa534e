"""When to see a doctor: every red flag, most urgent first, and the pregnancy notes."""

import pytest
from django.core.cache import cache

from cramps.models import RedFlag


@pytest.fixture(autouse=True)
def _fresh_page_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def flags(db):
    # Created least urgent first, with display orders that would put them in the wrong order.
    return [
        RedFlag.objects.create(
            slug=f"test-{urgency}",
            title=f"Test flag {urgency}",
            urgency=urgency,
            signs=[f"Test sign {urgency}"],
            action=f"Test action {urgency}",
            display_order=order,
            source_url="https://example.com/flag",
        )
        for order, urgency in enumerate(["see_doctor", "same_day", "emergency"])
    ]


def test_it_lists_red_flags_grouped_most_urgent_first(client, flags):
    response = client.get("/red-flags/")
    assert response.status_code == 200
    page = response.content.decode()
    emergency = page.index("Test flag emergency")
    same_day = page.index("Test flag same_day")
    see_doctor = page.index("Test flag see_doctor")
    assert emergency < same_day < see_doctor
    assert page.index("Get care today") < same_day
    assert "Test sign same_day" in page and "Test action see_doctor" in page
    for flag in RedFlag.objects.all():
        assert flag.get_urgency_display() in page


def test_it_has_notes_for_pregnancy(client, flags):
    page = client.get("/red-flags/").content.decode()
    assert "If you are pregnant" in page
    assert "no strong pressure on calf points" in page
