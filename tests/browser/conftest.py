"""Browser tests: Playwright driving Debian's chromium against a live server.

Playwright's own browser download fails on these machines, so the tests launch `/usr/bin/chromium`
(`apt-get install chromium`; `.ci/run` does). axe-core comes from the npm registry, installed by
the first test that needs it into `var/npm/`. Locally a test skips with the reason when chromium or
npm is missing; under CI=true it fails instead (`server_missing`).
"""

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import server_missing

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# Without the background-networking flags chromium keeps calling home, which this network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PHONE = {"width": 390, "height": 844}
AXE_VERSION = "4.14.1"
NPM_DIR = Path(__file__).resolve().parents[2] / "var" / "npm"
AXE_JS = NPM_DIR / "node_modules" / "axe-core" / "axe.min.js"

# Playwright's sync API runs an event loop in this thread; the ORM calls made by the tests and
# the live server are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        server_missing(f"{CHROMIUM} is not installed (apt-get install chromium)")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": PHONE, "locale": "en-GB"}


@pytest.fixture(autouse=True)
def _short_waits(request):
    """Five seconds, not thirty, before a missing element fails a test: pages here answer in
    milliseconds, and a broken test should not hold the suite for half a minute per step."""
    if "context" in request.fixturenames:
        context = request.getfixturevalue("context")
        context.set_default_timeout(5_000)
        # A page load may wait longer: the live server's first request in a test (a fresh thread,
        # the library loaded again) is slow on a busy two-core machine, and that is not a bug.
        context.set_default_navigation_timeout(30_000)


@pytest.fixture(scope="session")
def axe_script() -> Path:
    """axe-core's script, installed from the npm registry on first use."""
    if not AXE_JS.exists():
        npm = shutil.which("npm")
        if npm is None:
            server_missing("npm is not installed, so axe-core cannot be (apt-get install npm)")
        NPM_DIR.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                npm,
                "install",
                "--prefix",
                str(NPM_DIR),
                "--no-save",
                "--silent",
                f"axe-core@{AXE_VERSION}",
            ],
            check=True,
            timeout=300,
        )
    return AXE_JS


@pytest.fixture
def axe(axe_script):
    """`axe(page)`: the serious and critical violations on the page, as readable text."""

    source = axe_script.read_text()

    def run(page) -> list[str]:
        # Not `add_script_tag`: the strict CSP refuses an inline script, as it should. An evaluated
        # script comes through the DevTools protocol, which the page's CSP does not govern.
        page.evaluate(f"() => {{ {source}\n}}")
        violations = page.evaluate("async () => (await axe.run(document)).violations")
        return [
            f"{v['id']} ({v['impact']}): {v['help']} at "
            + json.dumps([n["target"] for n in v["nodes"]][:5])
            for v in violations
            if v["impact"] in ("serious", "critical")
        ]

    return run


@pytest.fixture
def live_url(live_server, reload_library):
    """The live server's address, with the relief library loaded (live tests flush the db)."""
    return live_server.url


@pytest.fixture
def signed_in(context, live_url, owner, client):
    """The browser context holds the owner's session cookie."""
    client.force_login(owner)
    cookie = client.cookies["sessionid"]
    context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_url}])
    return owner


@pytest.fixture
def confirmation_link(mailoutbox, live_url):
    """`confirmation_link(email)`: the sign-up confirmation link last emailed to that address,
    on the live server (the live server shares this process's locmem outbox)."""

    def find(email: str) -> str:
        mails = [m for m in mailoutbox if email in m.to]
        assert mails, f"no email to {email}: {[m.to for m in mailoutbox]}"
        link = re.search(r"https?://\S+/signup/confirm/\S+", mails[-1].body)
        assert link, mails[-1].body
        return live_url + re.sub(r"^https?://[^/]+", "", link.group(0))

    return find
