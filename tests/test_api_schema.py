import re

import pytest
import yaml
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command

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
