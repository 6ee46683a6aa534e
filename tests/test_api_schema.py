import re
from decimal import Decimal

import pytest
import yaml
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command

from cramps.validators import EARLIEST, rule_of

pytestmark = pytest.mark.django_db


def test_the_schema_validates_without_warnings(tmp_path):
    # --fail-on-warn turns any warning of drf-spectacular (an unresolved type, an enum name
    # clash, an invalid document) into a non-zero exit, which call_command raises.
    schema_file = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(schema_file))

    schema = yaml.safe_load(schema_file.read_text())
    assert "/api/v1/cramps/" in schema["paths"]


@pytest.fixture
def schema(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    return response.json()


def test_every_operation_documents_its_errors(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert "401" in codes, (method, path)
            if method in ("post", "put", "patch"):
                assert "400" in codes, (method, path)
            if "{" in path or (method == "get" and not path.startswith("/api/v1/account/")):
                assert "404" in codes, (method, path)
            if method in ("post", "put", "patch", "delete"):
                assert "429" in codes, (method, path)


def test_the_check_in_upsert_documents_both_outcomes(schema):
    responses = schema["paths"]["/api/v1/checkins/"]["post"]["responses"]

    assert {"200", "201"} <= set(responses)


def test_the_shortcut_payloads_are_all_that_is_required(schema):
    components = schema["components"]["schemas"]

    assert components["HydrationEntryRequest"]["required"] == ["amount_ml"]
    assert sorted(components["CrampEpisodeRequest"]["required"]) == ["severity", "side"]
    assert "required" not in components["CheckInRequest"]


def test_the_docs_page_lists_every_endpoint_in_plain_html(client, db):
    response = client.get("/api/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en"' in html
    for endpoint in ("POST /api/v1/cramps/", "GET /api/v1/totals/", "GET /api/v1/foods/"):
        assert endpoint in html
    assert "<code>amount_ml</code>: integer, required" in html
    assert 'href="/api/docs/swagger/"' in html


def test_the_swagger_page_loads_swagger_from_our_own_static_files(client):
    response = client.get("/api/docs/swagger/")

    assert response.status_code == 200
    html = response.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any("swagger-ui-bundle.js" in src for src in sources)
    assert all(src.startswith("/") for src in sources), sources
    for src in sources:
        if src.startswith(settings.STATIC_URL) or src.startswith("/" + settings.STATIC_URL):
            path = src.split(settings.STATIC_URL, 1)[1]
            assert finders.find(path), f"{path} is not an installed static file"
    # The start-up script is a separate file, so a strict CSP needs no inline script.
    assert "<script>" not in html


def test_the_docs_start_up_script_points_at_the_schema(client):
    response = client.get("/api/docs/swagger/?script=")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert b"/api/schema/" in response.content


def _writable_model_serializers():
    from rest_framework import serializers

    from cramps.api import experiments
    from cramps.api import serializers as api

    for module in (api, experiments):
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, serializers.ModelSerializer)
                and not value.__name__.startswith("_")
                and value.__module__ == module.__name__
            ):
                yield value


def test_the_schema_states_every_models_number_limits(schema):
    # One statement of a limit (the model field's `Between`): the schema's minimum and maximum
    # are read from it, so a client (or schemathesis) knows what the API will accept.
    components = schema["components"]["schemas"]
    checked = 0
    for serializer in _writable_model_serializers():
        model = serializer.Meta.model
        component = components.get(serializer.__name__.removesuffix("Serializer") + "Request")
        if component is None:
            continue  # read-only (the library)
        for name, prop in component["properties"].items():
            rule = rule_of(model._meta.get_field(name)) if _is_field(model, name) else None
            if rule is None:
                continue
            limits = (Decimal(str(prop["minimum"])), Decimal(str(prop["maximum"])))
            assert limits == (rule.low, rule.high), (model, name)
            checked += 1
    # Cramps (2), drinks, intake (5), stretches, exercise.
    assert checked >= 10


def _is_field(model, name):
    return any(f.name == name for f in model._meta.concrete_fields)


def test_the_schema_states_the_servings_precision(schema):
    servings = schema["components"]["schemas"]["IntakeEntryRequest"]["properties"]["servings"]

    assert (servings["minimum"], servings["maximum"]) == (0.1, 100)
    assert "At most 2 decimals." in servings["description"]


@pytest.mark.parametrize(
    ("component", "field"),
    [
        ("CrampEpisodeRequest", "started_at"),
        ("HydrationEntryRequest", "at"),
        ("IntakeEntryRequest", "at"),
        ("StretchEntryRequest", "at"),
        ("ExerciseSessionRequest", "starts_at"),
        ("CheckInRequest", "date"),
        ("PatchedCheckInRequest", "date"),
        ("CheckIn", "date"),
    ],
)
def test_the_schema_says_dates_start_in_1900(schema, component, field):
    prop = schema["components"]["schemas"][component]["properties"][field]

    assert "From 1900-01-01" in prop["description"]
    pattern = re.compile(prop["pattern"])
    for ok in ("1900-01-01", "1999-12-31T23:59:00Z", "2026-03-10T23:40:00+01:00", "9999-01-01"):
        assert pattern.search(ok), ok
    for too_early in ("1899-12-31", "0001-01-01T00:00:00Z", "1026-05-01"):
        assert not pattern.search(too_early), too_early
    assert EARLIEST.year == 1900  # the pattern above states this year


def _bounded_request_fields(schema):
    """(path, field, a value just outside the schema's limit) for every create operation."""
    components = schema["components"]["schemas"]
    for path, operations in schema["paths"].items():
        body = operations.get("post", {}).get("requestBody", {}).get("content", {})
        ref = body.get("application/json", {}).get("schema", {}).get("$ref")
        if ref is None:
            continue
        for name, prop in components[ref.rsplit("/", 1)[1]]["properties"].items():
            if "minimum" in prop:
                yield path, name, prop["minimum"] - 1
                yield path, name, prop["maximum"] + 1
            if "pattern" in prop and prop.get("format") == "date":
                yield path, name, "1899-12-31"
            if "pattern" in prop and prop.get("format") == "date-time":
                yield path, name, "1899-12-31T23:00:00Z"


def test_the_api_refuses_what_the_schema_says_is_out_of_range(schema, owner_client):
    # What schemathesis' "schema-violating data is rejected" would check for the limits (that
    # check stays off in tests/test_api_fuzz.py: DRF reads 0 as false and as the text "0").
    cases = list(_bounded_request_fields(schema))
    assert len(cases) >= 20
    for path, name, value in cases:
        response = owner_client.post(path, {name: value}, content_type="application/json")

        assert response.status_code == 400, (path, name, value)
        assert name in response.json(), (path, name, value)
