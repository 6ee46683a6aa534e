"""Every page a Chinese reader can open is in Chinese: no English sentence left on it.

A signed-in reader with a few months of logs (the demo generator) opens each page of the app
under /zh-hans/, and a visitor opens the public ones. The visible text and the words people hear
or see in attributes (title, aria-label, placeholder, alt, button values, the words handed to
scripts in data-t-*) are searched for two or more English words in a row: a string someone
forgot to mark, or marked and never translated. User-typed text is not the app's to translate,
so the demo log writes none.
"""

import datetime as dt
import random
import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import translation

from cramps.insights import demo
from cramps.models import (
    CrampEpisode,
    ExerciseSession,
    Experiment,
    HydrationEntry,
    IntakeEntry,
    ReliefTechnique,
    StretchEntry,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ZH = "zh-hans"
# Two English words in a row (letters, apostrophes, hyphens), as a reader would see them.
ENGLISH_RUN = re.compile(r"[A-Za-z][A-Za-z'’-]*(?:[ ,]+[A-Za-z][A-Za-z'’-]*){1,}")
# Names that stay as they are in Chinese text.
ALLOWED = {
    "Crampless",
    "English",
    "Swagger UI",
    "OpenAPI",
    "JSON",
    "CSV",
    "Accept-Language",
    "J Athl Train",  # a journal's name in a citation
    "Crampless API",
    "mouth point",  # Tiaokou's note names the old mistranslation it corrects
}
SHOWN_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt", "value", "content"}


class _Visible(HTMLParser):
    """Collects what a reader sees or hears: text outside script and style, and the shown
    attributes (button values, not hidden fields' values or other machine values). A part
    marked as English on purpose (`lang="en"`, such as a cited paper's title) is left out."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._open: list[tuple[str, bool]] = []  # (tag, skipped) for each open element

    def _skipping(self) -> bool:
        return bool(self._open) and self._open[-1][1]

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        skipped = (
            self._skipping()
            or tag in {"script", "style", "template"}
            or (tag != "html" and (attrs.get("lang") or "").startswith("en"))
        )
        if tag not in self.VOID:
            self._open.append((tag, skipped))
        if skipped or (tag == "meta" and attrs.get("name") != "description"):
            return
        if tag == "input" and attrs.get("type") not in {"submit", "button"}:
            attrs.pop("value", None)
        if tag in {"option", "link", "html", "button"}:
            attrs.pop("value", None)
        for name, value in attrs.items():
            if value and (name in SHOWN_ATTRIBUTES or name.startswith("data-t-")):
                self.texts.append(value)

    def handle_endtag(self, tag):
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index][0] == tag:
                del self._open[index:]
                break

    def handle_data(self, data):
        if not self._skipping() and data.strip():
            self.texts.append(data)


def _listed(leaks: dict) -> str:
    return "English left on Chinese pages:\n" + "\n".join(
        f"{url}: {' | '.join(runs)}" for url, runs in leaks.items()
    )


def english_left(html: str) -> list[str]:
    parser = _Visible()
    parser.feed(html)
    found = []
    for text in parser.texts:
        for run in ENGLISH_RUN.findall(text):
            if run.strip(" ,") not in ALLOWED:
                found.append(run.strip(" ,"))
    return found


@pytest.fixture
def reader(db):
    user = UserFactory(username="lin", timezone="Asia/Shanghai", language=ZH)
    today = user.local_today()
    demo.generate(user, random.Random(7), today, days=40)
    demo.add_demo_experiment(user, random.Random(7), today)
    return user


def _pages_for(user) -> list[str]:
    today = user.local_today()
    first = {
        "episode_edit": CrampEpisode.objects.filter(user=user).first(),
        "drink_edit": HydrationEntry.objects.filter(user=user).first(),
        "intake_edit": IntakeEntry.objects.filter(user=user).first(),
        "stretch_edit": StretchEntry.objects.filter(user=user).first(),
        "exercise_edit": ExerciseSession.objects.filter(user=user).first(),
        "experiment": Experiment.objects.filter(user=user).first(),
    }
    with translation.override(ZH):
        names = [
            "today",
            "history",
            "profile",
            "import_data",
            "delete_account",
            "experiments",
            "experiment_new",
            "insights",
            "insights_calendar_now",
            "insights_trends",
            "insights_report",
            "episode_add",
            "drink_add",
            "intake_add",
            "stretch_add",
            "exercise_add",
            "notifications",
            "reminder_settings",
        ]
        urls = [reverse(f"cramps:{name}") for name in names]
        urls.append(reverse("cramps:day", args=[today - dt.timedelta(days=1)]))
        urls += [reverse("cramps:history_list", args=[kind]) for kind in _history_kinds()]
        urls += [reverse(f"cramps:{name}", args=[row.pk]) for name, row in first.items() if row]
        urls += _public_pages(signed_in=True)
    return urls


def _history_kinds() -> list[str]:
    from cramps.views.logs import KINDS

    return list(KINDS)


def _public_pages(signed_in=False) -> list[str]:
    urls = [
        reverse(f"cramps:{name}")
        for name in ("home", "guide", "prevention", "evidence", "red_flags")
    ]
    if not signed_in:
        urls += [reverse("cramps:signup"), reverse("login"), reverse("password_reset")]
    urls += [reverse("cramps:guide") + "?clot=no", reverse("cramps:guide") + "?clot=yes"]
    urls += [
        reverse("cramps:technique", args=[slug])
        for slug in ReliefTechnique.objects.values_list("slug", flat=True)
    ]
    return urls


def test_a_chinese_readers_pages_have_no_english_sentence_left(client, reader):
    client.force_login(reader)
    leaks = {}
    for url in _pages_for(reader):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Language"] == ZH, url
        found = english_left(response.content.decode())
        if found:
            leaks[url] = sorted(set(found))
    assert not leaks, _listed(leaks)


def _account_pages() -> list[str]:
    """Sign-up's sent page, its confirmation (a good link and a spent one), a reset link."""
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    from cramps.accounts import signup_token_generator

    waiting = UserFactory(username="waiting", is_active=False)
    uid = urlsafe_base64_encode(force_bytes(waiting.pk))
    token = signup_token_generator.make_token(waiting)
    with translation.override(ZH):
        return [
            reverse("cramps:signup_sent"),
            reverse("cramps:signup_confirm", args=[uid, token]),
            reverse("cramps:signup_confirm", args=[uid, "spent-token"]),
            reverse("password_reset_confirm", args=[uid, "spent-token"]),
        ]


def test_a_chinese_visitors_public_pages_have_no_english_sentence_left(client):
    leaks = {}
    for url in [*_public_pages(), *_account_pages(), "/api/docs/"]:
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-CN")
        if response.status_code == 302:
            response = client.get(response["Location"])
        assert response.status_code in (200, 400), url  # a spent link is a 400 page
        found = english_left(response.content.decode())
        if found:
            leaks[url] = sorted(set(found))
    assert not leaks, _listed(leaks)


def test_the_search_finds_an_english_sentence_and_passes_chinese():
    assert english_left("<p>Log this cramp now</p>") == ["Log this cramp now"]
    assert english_left('<button aria-label="Close the menu">×</button>') == ["Close the menu"]
    assert english_left("<p>记录这次抽筋。委中（BL40）</p><script>var a = 'x y z';</script>") == []
    assert english_left('<input type="hidden" name="next" value="a b c">') == []
    assert english_left('<p>见 <cite lang="en">Nocturnal leg cramps</cite>。</p>') == []
    assert english_left('<p><cite lang="en">A b c</cite> then more English here</p>') == [
        "then more English here"
    ]
