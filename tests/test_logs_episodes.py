import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from cramps.models import CrampEpisode, ReliefTechnique, TechniqueTrial
from tests.conftest import NOW
from tests.factories import CrampEpisodeFactory, UserFactory

UTC = ZoneInfo("UTC")


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _technique(slug, name, **extra):
    technique, _ = ReliefTechnique.objects.get_or_create(
        slug=slug,
        defaults=dict(
            name=name,
            kind=ReliefTechnique.Kind.MASSAGE,
            summary=name,
            location="Calf",
            duration_seconds=60,
            evidence="supported",
            source_url="https://example.org/",
            **extra,
        ),
    )
    return technique


@pytest.fixture
def squeeze(db):
    return _technique("test-ep-calf-squeeze", "Test calf squeeze")


@pytest.fixture
def stretch(db):
    return _technique("test-ep-cramp-stretch", "Test cramp stretch")


def _quick(**extra):
    """The quick path: a side and a severity; every other field keeps its default."""
    return {"side": "left", "severity": "7", **extra}


def test_the_quick_path_saves_a_cramp_with_night_defaults(owner_client, owner):
    response = owner_client.post("/log/cramp/", _quick(context="asleep", duration="1to5"))
    assert response.status_code == 302
    assert response.url == "/today/"
    episode = CrampEpisode.objects.get(user=owner)
    assert (episode.side, episode.severity, episode.muscle) == ("left", 7, "calf")
    assert episode.duration_seconds == 180
    assert episode.started_at == NOW  # an empty time means now


def test_the_form_defaults_to_now_in_the_users_zone(owner_client):
    response = owner_client.get("/log/cramp/")
    # 09:00 UTC is 10:00 in Berlin.
    assert b'value="2026-03-10T10:00"' in response.content
    form = response.context["form"]
    assert form["duration"].value() == "1to5"
    assert form["muscle"].value() == "calf"


def test_the_form_defaults_to_asleep_during_the_users_night(client, db):
    user = UserFactory(timezone="Asia/Tokyo")  # 09:00 UTC is 18:00 in Tokyo
    client.force_login(user)
    assert client.get("/log/cramp/").context["form"]["context"].value() == "rest"
    with time_machine.travel(dt.datetime(2026, 3, 9, 18, 30, tzinfo=UTC), tick=False):
        # 03:30 in Tokyo, between the default bedtime (22:30) and wake time (07:00).
        assert client.get("/log/cramp/").context["form"]["context"].value() == "asleep"


def test_it_reads_the_typed_time_in_the_users_zone(client, db):
    user = UserFactory(timezone="America/New_York")
    client.force_login(user)
    client.post("/log/cramp/", _quick(started_at="2026-03-10T03:15", context="asleep"))
    # New York is on summer time (UTC-4) since 8 March 2026.
    expected = dt.datetime(2026, 3, 10, 7, 15, tzinfo=UTC)
    assert CrampEpisode.objects.get(user=user).started_at == expected


def test_it_prefills_techniques_from_the_relief_guide(owner_client, squeeze, stretch):
    url = f"/log/cramp/?tried={squeeze.slug}&tried={stretch.slug}&tried=no-such-slug"
    form = owner_client.get(url).context["form"]
    assert form[form.trial_field(squeeze)].value() == "tried"
    assert form[form.trial_field(stretch)].value() == "tried"


def test_it_saves_the_techniques_tried_with_their_outcome(owner_client, owner, squeeze, stretch):
    data = _quick(context="asleep", duration="lt1")
    data[f"trial_{squeeze.pk}"] = "helped"
    data[f"trial_{stretch.pk}"] = "tried"
    owner_client.post("/log/cramp/", data)
    episode = CrampEpisode.objects.get(user=owner)
    outcomes = {t.technique.slug: t.outcome for t in episode.trials.all()}
    assert outcomes == {squeeze.slug: "helped", stretch.slug: ""}


def test_exact_minutes_win_over_the_quick_choice(owner_client, owner):
    owner_client.post("/log/cramp/", _quick(duration="lt1", duration_minutes="7", context="rest"))
    assert CrampEpisode.objects.get(user=owner).duration_seconds == 420


def test_a_long_cramp_is_saved_and_the_red_flag_is_shown(owner_client, owner):
    response = owner_client.post(
        "/log/cramp/", _quick(duration="gt10", context="asleep"), follow=True
    )
    episode = CrampEpisode.objects.get(user=owner)
    assert episode.is_long
    text = response.content.decode()
    assert "lasted over 10 minutes" in text
    assert '<a href="/red-flags/" class="alert-link">' in text  # a link, not escaped text


def test_editing_shows_the_saved_values_and_keeps_the_exact_duration(owner_client, owner, squeeze):
    episode = CrampEpisodeFactory(user=owner, duration_seconds=200, severity=4)
    episode.trials.create(technique=squeeze, outcome="somewhat")
    form = owner_client.get(f"/log/cramp/{episode.pk}/").context["form"]
    assert form["duration"].value() == "1to5"
    assert form["severity"].value() == 4
    assert form[form.trial_field(squeeze)].value() == "somewhat"
    data = {
        "side": "right",
        "severity": "5",
        "duration": "1to5",
        "muscle": "calf",
        "context": "asleep",
        "started_at": "2026-03-10T09:00",
        f"trial_{squeeze.pk}": "",
    }
    response = owner_client.post(f"/log/cramp/{episode.pk}/", data)
    assert response.status_code == 302
    episode.refresh_from_db()
    assert (episode.side, episode.severity, episode.duration_seconds) == ("right", 5, 200)
    assert not episode.trials.exists()


def test_editing_keeps_trials_of_techniques_outside_the_guide(owner_client, owner):
    bedtime = _technique("test-ep-bedtime", "Test bedtime", in_cramp_guide=False)
    episode = CrampEpisodeFactory(user=owner)
    episode.trials.create(technique=bedtime, outcome="helped")
    data = _quick(duration="1to5", muscle="calf", context="asleep")
    owner_client.post(f"/log/cramp/{episode.pk}/", data)
    assert episode.trials.get().technique == bedtime


def test_delete_asks_first_then_deletes(owner_client, owner, squeeze):
    episode = CrampEpisodeFactory(user=owner)
    episode.trials.create(technique=squeeze)
    page = owner_client.get(f"/log/cramp/{episode.pk}/delete/")
    assert b"Delete this cramp?" in page.content
    assert CrampEpisode.objects.filter(pk=episode.pk).exists()
    response = owner_client.post(f"/log/cramp/{episode.pk}/delete/", {"next": "/history/"})
    assert response.url == "/history/"
    assert not CrampEpisode.objects.exists()
    assert not TechniqueTrial.objects.exists()


def test_it_ignores_a_next_address_on_another_site(owner_client):
    response = owner_client.post("/log/cramp/", _quick(next="https://evil.example/"))
    assert response.url == "/today/"


@pytest.mark.parametrize("path", ["/log/cramp/{pk}/", "/log/cramp/{pk}/delete/"])
def test_other_users_episodes_are_not_found(outsider_client, owner, path):
    episode = CrampEpisodeFactory(user=owner)
    assert outsider_client.get(path.format(pk=episode.pk)).status_code == 404
    assert outsider_client.post(path.format(pk=episode.pk), _quick()).status_code == 404
    episode.refresh_from_db()
    assert episode.side == "left"


def test_logging_requires_an_account(client, db):
    assert client.post("/log/cramp/", _quick()).status_code == 302
    assert not CrampEpisode.objects.exists()


# Bad input: a message next to the field, the typed value kept, nothing saved.


def _refused(client, data, field, message, squeeze):
    data = {**data, f"trial_{squeeze.pk}": "helped"}
    response = client.post("/log/cramp/", data)
    assert response.status_code == 200
    form = response.context["form"]
    assert message in form.errors[field][0]
    text = response.content.decode()
    # The message is shown next to the field, in the block the field points to.
    error_block = text[text.index(f'id="{form[field].auto_id}_error"') :]
    assert message in error_block[:500].replace("&#x27;", "'")
    assert CrampEpisode.objects.count() == 0
    assert TechniqueTrial.objects.count() == 0  # no orphan trials
    return response


@pytest.mark.parametrize("severity", ["0", "11", "-3", "abc", ""])
def test_it_refuses_a_severity_outside_1_to_10(owner_client, squeeze, severity):
    response = _refused(
        owner_client, _quick(severity=severity), "severity", "from 1 to 10", squeeze
    )
    assert response.context["form"]["side"].value() == "left"  # what was typed is kept


def test_it_refuses_a_time_in_the_future(owner_client, squeeze):
    response = _refused(
        owner_client,
        _quick(started_at="2026-03-10T10:20"),  # 20 minutes ahead in Berlin
        "started_at",
        "in the future",
        squeeze,
    )
    assert b'value="2026-03-10T10:20"' in response.content


def test_it_accepts_a_time_a_few_minutes_ahead(owner_client, owner):
    owner_client.post("/log/cramp/", _quick(started_at="2026-03-10T10:05", context="rest"))
    assert CrampEpisode.objects.filter(user=owner).exists()


def test_it_refuses_a_malformed_time(owner_client, squeeze):
    _refused(owner_client, _quick(started_at="yesterday"), "started_at", "date and time", squeeze)


@pytest.mark.parametrize("minutes", ["abc", "0", "-5", "2000"])
def test_it_refuses_malformed_or_impossible_minutes(owner_client, squeeze, minutes):
    response = _refused(
        owner_client, _quick(duration_minutes=minutes), "duration_minutes", "number", squeeze
    )
    assert f'value="{minutes}"'.encode() in response.content


def test_it_refuses_notes_over_10000_characters(owner_client, squeeze):
    _refused(owner_client, _quick(notes="x" * 10_001), "notes", "under 10,000", squeeze)


def test_it_refuses_a_missing_side(owner_client, squeeze):
    _refused(owner_client, {"severity": "5"}, "side", "Choose the leg", squeeze)


def test_it_refuses_an_unknown_outcome_without_saving_the_episode(owner_client, squeeze):
    data = _quick()
    data[f"trial_{squeeze.pk}"] = "cured"
    response = owner_client.post("/log/cramp/", data)
    assert response.status_code == 200
    assert CrampEpisode.objects.count() == 0


def test_html_in_notes_is_shown_as_text(owner_client, owner):
    notes = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    owner_client.post("/log/cramp/", _quick(notes=notes, context="rest"))
    episode = CrampEpisode.objects.get(user=owner)
    assert episode.notes == notes
    for page in ("/today/", "/history/cramps/", f"/log/cramp/{episode.pk}/"):
        text = owner_client.get(page).content.decode()
        assert "<script>alert" not in text
        assert "<img src=x" not in text
        assert "&lt;script&gt;" in text


def test_messages_and_the_delete_page_show_the_time_in_the_users_zone(owner_client, owner):
    saved = owner_client.post(
        "/log/cramp/", _quick(started_at="2026-03-10T03:10", context="asleep"), follow=True
    )
    assert (
        "Cramp saved: left calf, severity 7/10, 3 min, asleep or in bed, Tue 10 Mar, 03:10."
        in saved.content.decode()
    )
    episode = CrampEpisode.objects.get(user=owner)
    page = owner_client.get(f"/log/cramp/{episode.pk}/delete/")
    assert "Tue 10 Mar, 03:10" in page.content.decode()  # stored as 02:10 UTC


def test_a_quick_save_says_what_it_filled_in_and_offers_to_change_it(owner_client, owner):
    saved = owner_client.post(
        "/log/cramp/", {"side": "both", "severity": 4, "next": "/today/"}, follow=True
    )
    episode = CrampEpisode.objects.get(user=owner)
    text = saved.content.decode()
    assert "Cramp saved: calf, both legs, severity 4/10, 3 min," in text
    assert f'href="/log/cramp/{episode.pk}/"' in text and ">Change</a>" in text
