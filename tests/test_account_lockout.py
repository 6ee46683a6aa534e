"""Password guessing: django-axes locks a username (and an address) out for a while; the API
throttles writes."""

import datetime as dt

import pytest
import time_machine
from axes.models import AccessAttempt
from axes.utils import reset
from django.core.cache import cache

from cramps.api.throttles import WriteRateThrottle
from cramps.models import HydrationEntry
from tests.conftest import NOW
from tests.factories import UserFactory

LOGIN = "/accounts/login/"
PASSWORD = "slow calf stretch 42"

pytestmark = pytest.mark.django_db


@pytest.fixture
def bea():
    user = UserFactory(username="bea")
    user.set_password(PASSWORD)
    user.save()
    return user


def _login(client, password, username="bea", ip="203.0.113.7"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_it_refuses_the_right_password_after_twenty_wrong_ones(client, bea, settings):
    settings.AXES_FAILURE_LIMIT = 5
    with time_machine.travel(NOW, tick=False):
        for _ in range(20):
            _login(client, "wrong guess")

        response = _login(client, PASSWORD)

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert "logging in is paused after several wrong passwords" in response.content.decode()
    assert "Try again in 15 minutes" in response.content.decode()


def test_it_locks_the_username_whatever_the_address(client, bea):
    with time_machine.travel(NOW, tick=False):
        for n in range(5):
            _login(client, "wrong guess", ip=f"198.51.100.{n}")

        response = _login(client, PASSWORD, ip="192.0.2.1")

    assert response.status_code == 429


def test_it_lets_the_owner_in_after_the_cool_off(client, bea):
    with time_machine.travel(NOW, tick=False) as clock:
        for _ in range(20):
            _login(client, "wrong guess")
        clock.move_to(NOW + dt.timedelta(minutes=16))

        response = _login(client, PASSWORD)

        assert response.status_code == 302
        assert client.session["_auth_user_id"] == str(bea.pk)


def test_a_few_wrong_passwords_do_not_lock(client, bea):
    with time_machine.travel(NOW, tick=False):
        for _ in range(4):
            _login(client, "wrong guess")

        response = _login(client, PASSWORD)

    assert response.status_code == 302


def test_an_admin_reset_lets_the_owner_in_at_once(client, bea):
    with time_machine.travel(NOW, tick=False):
        for _ in range(20):
            _login(client, "wrong guess")
        assert AccessAttempt.objects.filter(username="bea").exists()

        reset(username="bea")
        reset(ip="203.0.113.7")
        response = _login(client, PASSWORD)

    assert response.status_code == 302


def test_the_failure_limit_and_cool_off_come_from_the_environment():
    import os
    import subprocess
    import sys

    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.AXES_FAILURE_LIMIT, int(s.AXES_COOLOFF_TIME.total_seconds()))"
    )
    env = {**os.environ, "AXES_FAILURE_LIMIT": "3", "AXES_COOLOFF_MINUTES": "60"}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )

    assert out.stdout.split() == ["3", "3600"]


def test_the_api_throttles_writes_but_not_reads(owner_client, monkeypatch):
    monkeypatch.setattr(WriteRateThrottle, "rate", "3/minute", raising=False)
    cache.clear()
    try:
        codes = [
            owner_client.post(
                "/api/v1/hydration/", {"amount_ml": 250}, content_type="application/json"
            ).status_code
            for _ in range(4)
        ]
        read = owner_client.get("/api/v1/hydration/")
    finally:
        cache.clear()

    assert codes == [201, 201, 201, 429]
    assert read.status_code == 200
    assert HydrationEntry.objects.count() == 3
