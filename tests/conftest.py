"""Shared test fixtures: an owner and an outsider, the relief library, a frozen clock.

Tests that need a real server (Redis, PostgreSQL) use `requires_redis` / `requires_postgres`:
locally they skip with the reason when the server is absent; under CI=true they fail instead.
"""

import datetime as dt
import os
import socket
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.utils import translation

from tests.factories import UserFactory

# A fixed instant for frozen-clock tests: Tuesday 2026-03-10 09:00 UTC (10:00 in Berlin).
NOW = dt.datetime(2026, 3, 10, 9, 0, tzinfo=ZoneInfo("UTC"))
IN_CI = os.environ.get("CI", "").lower() == "true"

LIBRARY_FIXTURES = ("techniques", "tips", "red_flags", "foods")


def pytest_report_header(config):
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    broker = settings.CELERY_BROKER_URL.split("://")[0]
    return f"crampless: database={engine} broker={broker} CI={IN_CI}"


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Browser tests last: their live server flushes the database (the relief library too), and
    pytest-playwright's own ordering would otherwise put them among the other tests."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


def server_missing(reason: str):
    """Skip locally; in CI a missing server is a failure, never a skip."""
    if IN_CI:
        pytest.fail(f"{reason}, and CI must run this test")
    pytest.skip(reason)


def _port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.fixture
def requires_redis():
    from django.conf import settings

    if not settings.REDIS_URL:
        server_missing("REDIS_URL is not set")
    from redis import Redis

    try:
        Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1).ping()
    except Exception as exc:  # any connection failure means no usable server
        server_missing(f"Redis at {settings.REDIS_URL} is not reachable ({exc})")
    return settings.REDIS_URL


@pytest.fixture
def requires_postgres(settings):
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        server_missing("DATABASE_URL does not point at PostgreSQL")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The relief library is reference data every page relies on: load it once per session."""
    with django_db_blocker.unblock():
        call_command("loaddata", *LIBRARY_FIXTURES, verbosity=0)


@pytest.fixture
def owner(db):
    return UserFactory(username="alice", timezone="Europe/Berlin")


@pytest.fixture
def outsider(db):
    return UserFactory(username="mallory", timezone="America/New_York")


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


@pytest.fixture
def outsider_client(client, outsider):
    client.force_login(outsider)
    return client


@pytest.fixture
def reload_library(transactional_db):
    """Transactional tests flush the database after each test: they load the library again."""
    call_command("loaddata", *LIBRARY_FIXTURES, verbosity=0)


@pytest.fixture(autouse=True)
def _test_settings(settings):
    """Pages render without `collectstatic`, and test users' passwords hash fast."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def fresh_page_cache():
    """Visitors' relief pages are cached per language: a test that reads them starts and ends
    with an empty cache, so no page served in one language leaks into the next test."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _english_until_asked():
    """LocaleMiddleware leaves a request's language active in the thread after the response:
    each test starts in English, whatever language the test before it asked for."""
    translation.activate("en")
    yield
    translation.deactivate()
