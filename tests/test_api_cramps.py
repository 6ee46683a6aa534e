import datetime as dt

import pytest
import time_machine

from cramps.models import CrampEpisode, ReliefTechnique, TechniqueTrial
from tests.conftest import NOW
from tests.factories import CrampEpisodeFactory

URL = "/api/v1/cramps/"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _technique(slug, kind=ReliefTechnique.Kind.MASSAGE):
    technique, _ = ReliefTechnique.objects.get_or_create(
        slug=slug,
        defaults={
            "name": slug.replace("-", " ").title(),
            "kind": kind,
            "summary": "A test technique.",
            "location": "The calf.",
            "duration_seconds": 30,
            "evidence": "supported",
            "source_url": "https://example.com/",
        },
    )
    return technique


def test_it_logs_a_cramp_from_side_and_severity_alone(owner_client, owner):
    response = owner_client.post(
        URL, {"side": "left", "severity": 7}, content_type="application/json"
    )

    assert response.status_code == 201
    body = response.json()
    assert body["started_at"] == "2026-03-10T09:00:00Z"
    # The web form's default duration, "1-5 min".
    assert body["duration_seconds"] == 180
    assert body["muscle"] == "calf"
    # 10:00 in Berlin, out of bed: the model's default for a cramp by day.
    assert body["context"] == "rest"
    assert body["techniques_tried"] == []
    episode = CrampEpisode.objects.get(pk=body["id"])
    assert episode.user == owner
    assert episode.severity == 7


def test_it_writes_the_techniques_tried_with_the_episode(owner_client):
    _technique("api-calf-squeeze")
    _technique("api-toes-up", ReliefTechnique.Kind.STRETCH)
    payload = {
        "side": "right",
        "severity": 8,
        "context": "asleep",
        "techniques_tried": [
            {"technique": "api-toes-up", "outcome": "helped"},
            {"technique": "api-calf-squeeze", "outcome": "no"},
        ],
    }

    response = owner_client.post(URL, payload, content_type="application/json")

    assert response.status_code == 201
    assert response.json()["techniques_tried"] == payload["techniques_tried"]
    trials = TechniqueTrial.objects.filter(episode_id=response.json()["id"])
    assert {(t.technique.slug, t.outcome) for t in trials} == {
        ("api-toes-up", "helped"),
        ("api-calf-squeeze", "no"),
    }


def test_it_saves_nothing_when_one_technique_is_unknown(owner_client, owner):
    _technique("api-calf-squeeze")
    payload = {
        "side": "left",
        "severity": 5,
        "techniques_tried": [
            {"technique": "api-calf-squeeze", "outcome": "helped"},
            {"technique": "no-such-technique", "outcome": "no"},
        ],
    }

    response = owner_client.post(URL, payload, content_type="application/json")

    assert response.status_code == 400
    # Errors of a nested list are keyed by the index of the item that failed.
    assert response.json()["techniques_tried"] == {
        "1": {
            "technique": [
                'No technique with the slug "no-such-technique". See /api/v1/techniques/.'
            ]
        }
    }
    assert not CrampEpisode.objects.for_user(owner).exists()


def test_it_rejects_a_technique_listed_twice(owner_client, owner):
    _technique("api-calf-squeeze")
    trial = {"technique": "api-calf-squeeze", "outcome": "helped"}
    payload = {"side": "left", "severity": 5, "techniques_tried": [trial, trial]}

    response = owner_client.post(URL, payload, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["techniques_tried"] == ["List each technique once."]
    assert not CrampEpisode.objects.for_user(owner).exists()


def test_it_rolls_back_the_episode_when_a_trial_cannot_be_written(owner_client, owner, monkeypatch):
    _technique("api-calf-squeeze")

    def fail(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(TechniqueTrial.objects, "bulk_create", fail)
    payload = {
        "side": "left",
        "severity": 5,
        "techniques_tried": [{"technique": "api-calf-squeeze", "outcome": "helped"}],
    }

    with pytest.raises(RuntimeError):
        owner_client.post(URL, payload, content_type="application/json")

    assert not CrampEpisode.objects.for_user(owner).exists()


def test_it_lists_the_users_episodes_newest_first(owner_client, owner):
    older = CrampEpisodeFactory(user=owner, started_at=NOW - dt.timedelta(days=2))
    newer = CrampEpisodeFactory(user=owner, started_at=NOW - dt.timedelta(hours=1))

    response = owner_client.get(URL)

    assert response.status_code == 200
    assert [e["id"] for e in response.json()["results"]] == [newer.pk, older.pk]


def test_it_reads_one_episode(owner_client, owner):
    episode = CrampEpisodeFactory(user=owner, severity=4, notes="after a long walk")

    response = owner_client.get(f"{URL}{episode.pk}/")

    assert response.status_code == 200
    assert response.json()["severity"] == 4
    assert response.json()["notes"] == "after a long walk"


def test_it_replaces_the_techniques_tried_on_update(owner_client, owner):
    old = _technique("api-calf-squeeze")
    _technique("api-toes-up", ReliefTechnique.Kind.STRETCH)
    episode = CrampEpisodeFactory(user=owner)
    TechniqueTrial.objects.create(episode=episode, technique=old, outcome="no")
    payload = {
        "side": "both",
        "severity": 3,
        "context": "rest",
        "techniques_tried": [{"technique": "api-toes-up", "outcome": "somewhat"}],
    }

    response = owner_client.put(f"{URL}{episode.pk}/", payload, content_type="application/json")

    assert response.status_code == 200
    assert response.json()["techniques_tried"] == payload["techniques_tried"]
    assert [t.technique.slug for t in episode.trials.all()] == ["api-toes-up"]
    episode.refresh_from_db()
    assert (episode.side, episode.severity, episode.context) == ("both", 3, "rest")


def test_a_patch_without_techniques_keeps_them(owner_client, owner):
    technique = _technique("api-calf-squeeze")
    episode = CrampEpisodeFactory(user=owner)
    TechniqueTrial.objects.create(episode=episode, technique=technique, outcome="helped")

    response = owner_client.patch(
        f"{URL}{episode.pk}/", {"severity": 2}, content_type="application/json"
    )

    assert response.status_code == 200
    assert response.json()["techniques_tried"] == [
        {"technique": "api-calf-squeeze", "outcome": "helped"}
    ]
    episode.refresh_from_db()
    assert episode.severity == 2


def test_it_deletes_an_episode_and_its_trials(owner_client, owner):
    technique = _technique("api-calf-squeeze")
    episode = CrampEpisodeFactory(user=owner)
    TechniqueTrial.objects.create(episode=episode, technique=technique, outcome="helped")

    response = owner_client.delete(f"{URL}{episode.pk}/")

    assert response.status_code == 204
    assert not CrampEpisode.objects.filter(pk=episode.pk).exists()
    assert not TechniqueTrial.objects.filter(episode_id=episode.pk).exists()


def test_it_flags_a_cramp_longer_than_ten_minutes(owner_client):
    response = owner_client.post(
        URL,
        {"side": "left", "severity": 9, "duration_seconds": 900},
        content_type="application/json",
    )

    assert response.status_code == 201
    assert response.json()["is_long"] is True


def test_it_reads_a_time_without_offset_as_the_users_wall_time(owner_client):
    # Alice is in Berlin: 23:40 on 9 March there is 22:40 UTC.
    response = owner_client.post(
        URL,
        {"side": "left", "severity": 6, "started_at": "2026-03-09T23:40:00"},
        content_type="application/json",
    )

    assert response.status_code == 201
    assert response.json()["started_at"] == "2026-03-09T22:40:00Z"


def test_it_keeps_the_offset_it_is_given(owner_client):
    response = owner_client.post(
        URL,
        {"side": "left", "severity": 6, "started_at": "2026-03-09T23:40:00-05:00"},
        content_type="application/json",
    )

    assert response.status_code == 201
    assert response.json()["started_at"] == "2026-03-10T04:40:00Z"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("severity", 0),
        ("severity", 11),
        ("severity", -3),
        ("severity", "seven"),
        ("severity", 6.5),
        ("severity", True),
        ("severity", None),
        ("side", "middle"),
        ("side", ["left"]),
        ("context", "on the moon"),
        ("duration_seconds", 0),
        ("duration_seconds", 24 * 3600 + 1),
        ("duration_seconds", "1e99"),
        ("started_at", "2026-03-10T09:11:00Z"),  # 11 minutes ahead
        ("started_at", "yesterday"),
        ("started_at", "9999-12-31T23:59:59-05:00"),
        ("started_at", "2026-03-29T02:30:00"),  # skipped in Berlin (clocks go forward)
        ("notes", "x" * 10_001),
        ("notes", "nul \x00 byte"),
        ("techniques_tried", "calf-squeeze"),
        ("techniques_tried", [{"technique": {"slug": "x"}}]),
        ("techniques_tried", [{"technique": "../../etc"}]),
        ("techniques_tried", ["calf-squeeze"]),
        ("techniques_tried", [{"technique": "api-calf-squeeze", "outcome": "great"}]),
    ],
)
def test_it_rejects_bad_input_with_a_message_on_the_field(owner_client, owner, field, value):
    _technique("api-calf-squeeze")
    payload = {"side": "left", "severity": 5, field: value}

    response = owner_client.post(URL, payload, content_type="application/json")

    assert response.status_code == 400
    assert field in response.json()
    assert not CrampEpisode.objects.for_user(owner).exists()


def test_it_accepts_a_time_up_to_ten_minutes_ahead_for_clock_drift(owner_client):
    response = owner_client.post(
        URL,
        {"side": "left", "severity": 6, "started_at": "2026-03-10T09:09:00Z"},
        content_type="application/json",
    )

    assert response.status_code == 201


def test_it_stores_html_in_notes_as_plain_text(owner_client):
    notes = '<script>alert("x")</script><b>ouch</b>'

    response = owner_client.post(
        URL, {"side": "left", "severity": 6, "notes": notes}, content_type="application/json"
    )

    assert response.status_code == 201
    assert response["Content-Type"] == "application/json"
    assert response.json()["notes"] == notes
    assert CrampEpisode.objects.get(pk=response.json()["id"]).notes == notes


def test_it_answers_400_to_a_body_that_is_not_an_object(owner_client):
    response = owner_client.post(URL, ["left", 5], content_type="application/json")

    assert response.status_code == 400
    assert "non_field_errors" in response.json()


def test_it_answers_400_to_malformed_json(owner_client):
    response = owner_client.post(URL, '{"side": "left",', content_type="application/json")

    assert response.status_code == 400


def test_it_answers_415_to_a_form_post(owner_client):
    response = owner_client.post(URL, {"side": "left", "severity": 5})

    assert response.status_code == 415
