"""Installable and offline: the manifest, the service worker, the favicon, offline log forms."""

import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.templatetags.static import static

from cramps.models import ReliefTechnique
from tests.test_relief_guide import make_technique

pytestmark = pytest.mark.django_db


def test_the_manifest_makes_the_guide_installable(client):
    response = client.get("/manifest.webmanifest")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["start_url"] == "/cramp-now/"
    assert manifest["display"] == "standalone"
    sizes = {icon["sizes"] for icon in manifest["icons"] if icon["type"] == "image/png"}
    assert {"192x192", "512x512"} <= sizes
    assert any(icon.get("purpose") == "maskable" for icon in manifest["icons"])
    for icon in manifest["icons"]:
        assert finders.find(icon["src"].removeprefix("/static/")), icon["src"]


def test_every_page_links_the_manifest_the_icons_and_the_worker_from_files(client):
    page = client.get("/").content.decode()

    assert '<link rel="manifest" href="/manifest.webmanifest">' in page
    assert 'rel="icon"' in page and 'rel="apple-touch-icon"' in page
    assert re.search(r'<script src="[^"]*cramps/js/sw-register\.js" defer>', page)
    assert re.search(r'<script src="[^"]*cramps/js/outbox\.js" defer>', page)
    assert not re.search(r"<script(?![^>]*\bsrc=)", page)


def test_the_favicon_a_browser_asks_for_first_is_never_a_404(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 302
    assert response["Location"] == static("cramps/icons/icon-32.png")
    assert finders.find("cramps/icons/icon-32.png")


def test_the_worker_keeps_the_relief_pages_and_their_static_files(client):
    make_technique("test-point")

    response = client.get("/sw.js")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert "no-cache" in response["Cache-Control"]
    body = response.content.decode()
    pages = json.loads(re.search(r"const PAGES = (\[.*?\]);", body).group(1))
    assets = json.loads(re.search(r"const ASSETS = (\[.*?\]);", body).group(1))
    assert {"/cramp-now/", "/red-flags/", "/prevention/", "/evidence/"} <= set(pages)
    assert "/techniques/test-point/" in pages
    assert static("cramps/js/guide.js") in assets
    assert static("cramps/css/guide.css") in assets
    assert "&quot;" not in body


def test_the_worker_changes_when_the_library_does_and_answers_304_when_it_has_not(client):
    first = client.get("/sw.js")
    assert client.get("/sw.js", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304

    make_technique("test-new-point")

    again = client.get("/sw.js", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200
    assert again["ETag"] != first["ETag"]


def test_the_worker_names_hashed_static_files_in_production(client, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    settings.STATIC_ROOT = tmp_path

    call_command("collectstatic", "--noinput", verbosity=0)
    body = client.get("/sw.js").content.decode()

    assert re.search(r"/static/cramps/js/guide\.[0-9a-f]{12}\.js", body)


def test_the_new_cramp_form_can_be_kept_offline_with_its_trials_and_durations(owner_client):
    make_technique("test-point")
    technique = ReliefTechnique.objects.get(slug="test-point")

    page = owner_client.get("/log/cramp/").content.decode()

    assert 'data-offline-log="cramps"' in page
    assert "1to5=180" in page
    assert f"trial_{technique.pk}=test-point" in page


def test_the_one_tap_water_buttons_can_be_kept_offline(owner_client):
    page = owner_client.get("/today/").content.decode()

    assert page.count('data-offline-log="hydration"') >= 3


def test_the_compressed_worker_still_answers_304_to_its_weak_etag(client):
    first = client.get("/sw.js", HTTP_ACCEPT_ENCODING="gzip")
    assert first["Content-Encoding"] == "gzip"

    again = client.get("/sw.js", HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 304


def test_the_guide_goes_out_compressed(client):
    response = client.get("/cramp-now/", HTTP_ACCEPT_ENCODING="br, gzip")

    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
