"""Fuzzing the API from its own schema (schemathesis): every operation, signed in with a token,
bounded and reproducible (derandomized examples). No 5xx, and every response as the schema says
(status codes, content types, headers, bodies).

Two of schemathesis' checks are left out, on purpose. "Schema-valid data is accepted" holds the
schema to rules OpenAPI cannot state: a food slug that must exist in the catalogue, a time that
must not be in the future, a password that must be the account's; those rules are the
serializers' and have their own tests. "Schema-violating data is rejected" was tried once the
schema stated the limits (minimum/maximum from the models, dates from 1900 as a pattern): what
it still finds is DRF reading leniently (the number 0 taken as the text "0" or as false, an empty
`?date=` as no date), not a limit; tests/test_api_schema.py checks every stated limit is refused.
"""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis import checks

from cramps.api.throttles import WriteRateThrottle

schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())

MAX_EXAMPLES = 10


@pytest.fixture
def token(owner):
    return Token.objects.create(user=owner).key


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Calls go straight to the WSGI app, which closes old database connections around each
    request; inside a test's transaction that would close the test's own connection (on
    PostgreSQL). Django's test client turns this off the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def _no_throttle(monkeypatch):
    # The throttle has its own test; here it would turn later examples into 429s.
    monkeypatch.setattr(WriteRateThrottle, "allow_request", lambda self, request, view: True)


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_keeps_its_schema(case, token):
    case.call_and_validate(
        headers={"Authorization": f"Token {token}"},
        excluded_checks=[checks.positive_data_acceptance, checks.negative_data_rejection],
    )
