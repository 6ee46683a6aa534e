"""Hardened headers: a strict CSP everywhere (the API docs too), Permissions-Policy, private
caching for signed-in pages, HTTPS settings from the environment; `check --deploy` passes."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.django_db


def _csp(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {
        part.split(" ", 1)[0]: part.split(" ", 1)[1] if " " in part else ""
        for part in (p.strip() for p in header.split(";"))
        if part
    }


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/api/v1/techniques/", "/api/docs/"])
def test_every_response_has_a_strict_csp_and_a_permissions_policy(client, path):
    response = client.get(path)

    assert response.status_code == 200
    policy = _csp(response)
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert policy["default-src"] == "'self'"
    assert policy["script-src"].startswith("'self'")
    assert policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


def test_the_api_docs_pages_have_no_inline_script_or_style(client):
    ours = client.get("/api/docs/").content.decode()
    assert "<style" not in ours and "<script>" not in ours and " style=" not in ours

    response = client.get("/api/docs/swagger/")
    html = response.content.decode()

    assert "<style" not in html
    assert "<script>" not in html
    assert "/static/cramps/css/api-docs.css" in html
    # Swagger UI's files come from drf-spectacular-sidecar, on our own origin.
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert '<html lang="en">' in html
    script = client.get("/api/docs/swagger/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")


def test_a_signed_in_page_is_private_and_a_public_one_is_not(client, owner_client):
    assert "private" in owner_client.get("/").headers["Cache-Control"]
    assert "private" in owner_client.get("/api/v1/hydration/").headers["Cache-Control"]
    client.logout()
    assert "private" not in client.get("/").headers.get("Cache-Control", "")


def _settings(**env) -> dict:
    code = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, "
        "getattr(s, 'SECURE_PROXY_SSL_HEADER', None), s.SESSION_COOKIE_SECURE]))"
    )
    result = _run([sys.executable, "-c", code], env)
    import json

    return json.loads(result.stdout)


def _run(args, env):
    # Only what production sets: not the test run's own switches (browser tests set
    # DJANGO_ALLOW_ASYNC_UNSAFE, which `check --deploy` rightly refuses).
    dropped = ("SECURE_", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")
    keep = {k: v for k, v in os.environ.items() if not k.startswith(dropped)}
    base = {
        **keep,
        "DJANGO_SETTINGS_MODULE": "tracker.settings",
        "SECRET_KEY": "a-production-grade-secret-key-0123456789-abcdefghijklmnopqrstuvw",
        "ALLOWED_HOSTS": "crampless.example.com",
    }
    return subprocess.run(
        args, cwd=ROOT, env={**base, **env}, capture_output=True, text=True, timeout=120
    )


def test_https_is_on_by_default_with_debug_off():
    assert _settings(DEBUG="false") == [True, 31536000, None, True]


def test_a_loopback_run_turns_https_off_explicitly_not_through_debug():
    env = {
        "DEBUG": "false",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
        "SECURE_COOKIES": "false",
    }
    assert _settings(**env) == [False, 0, None, False]


def test_behind_a_proxy_the_forwarded_protocol_is_trusted():
    assert _settings(DEBUG="false", BEHIND_PROXY="true")[2] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_check_deploy_passes_with_production_values():
    result = _run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        {"DEBUG": "false", "BEHIND_PROXY": "true"},
    )

    assert result.returncode == 0, result.stderr + result.stdout
