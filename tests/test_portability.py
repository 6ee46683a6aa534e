"""The user's data is theirs: export (JSON, zipped CSV), import into an empty account, delete."""

import csv
import datetime as dt
import io
import json
import zipfile
from decimal import Decimal

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.authtoken.models import Token

from cramps import portability
from cramps.models import (
    CheckIn,
    Experiment,
    FoodItem,
    HydrationEntry,
    IntakeEntry,
    Notification,
    PreventionTip,
    ReliefTechnique,
    ReminderDelivery,
    ReminderSchedule,
    RoutineSlot,
    StretchEntry,
    TechniqueTrial,
    User,
)
from cramps.reminders import dispatch, schedule
from tests.conftest import NOW
from tests.factories import CrampEpisodeFactory, ExerciseSessionFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _fill(user):
    """One row or more of every kind, the links between rows included."""
    user.bedtime, user.sex, user.quiet_hours_start = dt.time(23, 15), "female", dt.time(21)
    user.quiet_hours_end = dt.time(7)
    user.birth_year, user.medicines, user.language = 1950, "Atorvastatin 20 mg", "en"
    user.save()
    Experiment.objects.create(
        user=user,
        habit=PreventionTip.objects.get(slug="stretch-before-bed"),
        start_date=NOW.date() - dt.timedelta(days=60),
        seed=7,
        status=Experiment.Status.FINISHED,
    )
    RoutineSlot.objects.create(user=user, weekday=1, start_time=dt.time(18, 30), activity="Run")
    first, second = ReliefTechnique.objects.order_by("slug")[:2]
    episode = CrampEpisodeFactory(user=user, notes="woke me, ✓ unicode")
    TechniqueTrial.objects.create(episode=episode, technique=first, outcome="helped")
    TechniqueTrial.objects.create(episode=episode, technique=second, outcome="")
    CrampEpisodeFactory(user=user, started_at=NOW - dt.timedelta(days=400), severity=3)
    HydrationEntry.objects.create(user=user, at=NOW, amount_ml=330, drink="electrolyte")
    food = FoodItem.objects.order_by("slug").first()
    intake = IntakeEntry(user=user, at=NOW)
    intake.set_contents(food, Decimal("1.5"), "", {})
    intake.save()
    supplement = IntakeEntry(user=user, at=NOW)
    supplement.set_contents(None, None, "Magnesium", {"magnesium_mg": 200})
    supplement.save()
    StretchEntry.objects.create(
        user=user, at=NOW, technique=first, duration_minutes=5, occasion="before_bed"
    )
    ExerciseSessionFactory(user=user)
    CheckIn.objects.create(user=user, date=NOW.date(), warmed_up=True, note="fine")
    schedule.refresh_schedules(user)
    ReminderSchedule.objects.filter(user=user, kind="bedtime").update(
        lead_minutes=45, by_email=False
    )
    schedule.refresh_schedules(user)
    sent = ReminderDelivery.objects.create(
        user=user,
        kind="bedtime",
        occurrence="2026-03-09",
        due_at=NOW - dt.timedelta(days=1),
        status="sent",
        subject="Stretch",
        body="Time to stretch",
        email_sent_at=NOW - dt.timedelta(days=1),
    )
    Notification.objects.create(user=user, delivery=sent, title="Stretch", body="Now", read_at=NOW)
    Notification.objects.create(user=user, title="Hello", body="Without a delivery")
    # Rows made "earlier": their timestamps must come back as they were.
    HydrationEntry.objects.filter(user=user).update(created_at=NOW - dt.timedelta(days=3))


def _export(user) -> dict:
    return json.loads("".join(portability.export_json(user)))


def _comparable(document: dict) -> dict:
    """The export with row ids replaced by positions, so two accounts' exports compare."""
    positions = {}
    result = {"profile": {k: document["profile"][k] for k in portability.PROFILE_FIELDS}}
    for kind in portability.KINDS:
        rows = document[kind.name]
        positions[kind.name] = {row["id"]: n for n, row in enumerate(rows)}
        compared = []
        for row in rows:
            row = {k: v for k, v in row.items() if k != "id"}
            if kind.parent:
                field, parent = kind.parent
                row[field] = positions[parent].get(row[field])
            if row.get("next_occurrence", "").startswith("session:"):
                # A pre-exercise reminder names its session by id: compare the session's place.
                _, pk, when = row["next_occurrence"].split(":", 2)
                row["next_occurrence"] = f"session:#{positions['exercise'][int(pk)]}:{when}"
            compared.append(row)
        result[kind.name] = compared
    return result


def _upload(document) -> SimpleUploadedFile:
    content = document if isinstance(document, bytes) else json.dumps(document).encode()
    return SimpleUploadedFile("export.json", content, content_type="application/json")


def test_an_export_imported_into_an_empty_account_restores_every_row(owner):
    _fill(owner)
    exported = _export(owner)
    newcomer = UserFactory(username="newcomer")
    schedule.refresh_schedules(newcomer)

    counts = portability.import_json(newcomer, io.BytesIO(json.dumps(exported).encode()))

    assert counts["cramps"] == 2 and counts["techniques_tried"] == 2
    assert _comparable(_export(newcomer)) == _comparable(exported)
    assert _export(newcomer)["profile"]["username"] == "newcomer"
    # The owner's rows are untouched, and nothing is shared between the two accounts.
    assert _comparable(_export(owner)) == _comparable(exported)


def test_reminders_follow_the_imported_settings(owner):
    _fill(owner)
    exported = _export(owner)
    newcomer = UserFactory(username="newcomer", timezone="UTC")
    schedule.refresh_schedules(newcomer)

    portability.import_json(newcomer, io.BytesIO(json.dumps(exported).encode()))

    mine = ReminderSchedule.objects.get(user=owner, kind="bedtime")
    theirs = ReminderSchedule.objects.get(user=newcomer, kind="bedtime")
    assert (theirs.lead_minutes, theirs.by_email) == (45, False)
    # Planned from the imported zone and bedtime, as the original.
    assert theirs.next_due_at == mine.next_due_at is not None


def test_a_delivery_waiting_at_export_time_is_never_sent_after_an_import(owner):
    document = _export(owner)
    document["reminder_deliveries"] = [
        {
            "id": 9,
            "kind": "bedtime",
            "occurrence": "2026-03-10",
            "due_at": NOW.isoformat(),
            "status": "pending",
            "attempts": 0,
        }
    ]
    newcomer = UserFactory(username="newcomer")

    portability.import_json(newcomer, _upload(document))

    delivery = ReminderDelivery.objects.get(user=newcomer)
    assert delivery.status == "skipped"
    assert "waiting to be sent" in delivery.detail


def test_an_import_into_an_account_with_entries_is_refused_and_changes_nothing(owner, owner_client):
    _fill(owner)
    exported = _export(owner)
    before = _comparable(exported)

    response = owner_client.post("/profile/import/", {"file": _upload(exported)})

    assert response.status_code == 200
    [error] = response.context["form"].errors["file"]
    assert "already has data, so nothing was imported" in error
    assert _comparable(_export(owner)) == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not json at all", "This file is not JSON"),
        (b"[" * 10_000 + b"]" * 10_000, "This file is not JSON"),
        (b'{"format": "something-else"}', "not a Crampless export"),
        (b'{"format": "crampless-export", "version": 99}', "version (99)"),
    ],
)
def test_a_bad_file_gets_a_clear_error(owner_client, content, message):
    response = owner_client.post("/profile/import/", {"file": _upload(content)})

    [error] = response.context["form"].errors["file"]
    assert message in error


def test_one_bad_row_changes_nothing_at_all(owner):
    source = UserFactory(username="source")
    _fill(source)
    document = _export(source)
    document["checkins"][0]["date"] = "1850-01-01"
    before = _comparable(_export(owner))

    with pytest.raises(portability.ImportRefused, match="entry 1 of “checkins”"):
        portability.import_json(owner, _upload(document))

    owner.refresh_from_db()
    assert _comparable(_export(owner)) == before
    assert owner.bedtime == dt.time(22, 30)


def test_the_web_page_imports_into_an_empty_account(owner_client, owner):
    source = UserFactory(username="source")
    _fill(source)

    response = owner_client.post(
        "/profile/import/", {"file": _upload(_export(source))}, follow=True
    )

    assert b"Imported 15 entries" in response.content
    assert HydrationEntry.objects.for_user(owner).count() == 1


def test_the_profile_streams_the_json_export(owner_client, owner):
    _fill(owner)

    response = owner_client.get("/profile/export.json")

    assert response.streaming
    assert response["Content-Type"] == "application/json"
    assert (
        'attachment; filename="crampless-alice-2026-03-10.json"' in response["Content-Disposition"]
    )
    document = json.loads(b"".join(response.streaming_content))
    assert document["format"] == "crampless-export"
    assert len(document["cramps"]) == 2


def test_the_zip_holds_one_csv_per_kind(owner_client, owner):
    _fill(owner)

    response = owner_client.get("/profile/export.zip")

    assert response.streaming
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = {kind.name + ".csv" for kind in portability.KINDS} | {"profile.csv"}
    assert set(archive.namelist()) == names
    drinks = list(csv.DictReader(io.TextIOWrapper(archive.open("drinks.csv"), "utf-8")))
    assert [(d["amount_ml"], d["drink"]) for d in drinks] == [("330", "electrolyte")]
    trials = list(csv.DictReader(io.TextIOWrapper(archive.open("techniques_tried.csv"), "utf-8")))
    assert len(trials) == 2


def test_the_api_exports_and_imports(owner, outsider, client):
    _fill(owner)
    client.force_login(owner)
    exported = b"".join(client.get("/api/v1/account/export.json").streaming_content)
    zipped = client.get("/api/v1/account/export.zip")
    assert zipped["Content-Type"] == "application/zip"
    client.force_login(outsider)

    response = client.post("/api/v1/account/import/", {"file": _upload(exported)})

    assert response.status_code == 201
    assert response.json()["imported"]["cramps"] == 2
    again = client.post("/api/v1/account/import/", {"file": _upload(exported)})
    assert again.status_code == 409
    assert "already has data" in again.json()["detail"]


def test_deleting_the_account_needs_the_password(owner_client, owner):
    response = owner_client.post("/profile/delete/", {"password": "wrong"})

    assert response.status_code == 200
    assert response.context["form"].errors["password"] == [
        "That is not your password. Nothing was deleted."
    ]
    assert User.objects.filter(pk=owner.pk).exists()


def test_deleting_the_account_removes_every_row_at_once(client, owner, outsider):
    _fill(owner)
    _fill(outsider)
    Token.objects.create(user=owner)
    client.force_login(owner)
    other_browser = type(client)()
    other_browser.force_login(owner)
    outsider_before = _comparable(_export(outsider))

    response = client.post("/profile/delete/", {"password": PASSWORD}, follow=True)

    assert b"Your account and all its data are deleted" in response.content
    assert not User.objects.filter(pk=owner.pk).exists()
    for kind in portability.KINDS:
        assert not kind.queryset(owner).exists()
    assert not Token.objects.exists()
    # The other browser is signed out too: its session names a user who no longer exists.
    assert other_browser.get("/profile/").status_code == 302
    assert other_browser.get("/api/v1/cramps/").status_code in (401, 403)
    assert _comparable(_export(outsider)) == outsider_before


def test_a_reminder_already_queued_is_not_sent_after_the_account_is_deleted(owner, mailoutbox):
    schedule.refresh_schedules(owner)
    queued = ReminderDelivery.objects.create(
        user=owner, kind="bedtime", occurrence="2026-03-10", due_at=NOW, queued_at=NOW
    )

    portability.delete_account(owner)
    result = dispatch.send_batch([queued.pk])

    assert result == {}
    assert mailoutbox == []
    assert not Notification.objects.exists()


def test_the_api_deletes_the_account_with_the_password(owner_client, owner):
    wrong = owner_client.post(
        "/api/v1/account/delete/", {"password": "nope"}, content_type="application/json"
    )
    assert wrong.status_code == 403
    assert User.objects.filter(pk=owner.pk).exists()

    response = owner_client.post(
        "/api/v1/account/delete/", {"password": PASSWORD}, content_type="application/json"
    )

    assert response.status_code == 204
    assert not User.objects.filter(pk=owner.pk).exists()


def test_every_profile_field_of_the_user_model_is_exported():
    """A field added to the profile later must travel in the export too (birth year, medicines
    and language once did not)."""
    from django.contrib.auth.models import AbstractUser

    from cramps.models import User

    account = {f.name for f in AbstractUser._meta.get_fields()} | {"id"}
    own = {f.name for f in User._meta.concrete_fields} - account
    assert own <= set(portability.PROFILE_FIELDS)


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(owner_client, owner):
    limit = portability.MAX_IMPORT_BYTES
    big = b'{"format": "crampless-export", "version": 1, "padding": "' + b"x" * limit + b'"}'

    response = owner_client.post("/profile/import/", {"file": _upload(big)})
    api = owner_client.post("/api/v1/account/import/", {"file": _upload(big)})

    assert response.status_code == 200
    [error] = response.context["form"].errors["file"]
    assert f"{limit // (1024 * 1024)} MB" in error and "nothing was imported" in error
    assert api.status_code == 400 and f"{limit // (1024 * 1024)} MB" in api.json()["detail"]
    assert not portability.has_data(owner)


def test_a_body_stated_over_the_limit_is_refused_before_any_of_it_is_read(owner_client, owner):
    """The test client's body refuses to be read past its real end: a parse of the stated length
    would fail the request, so an answer with the size message proves nothing was read."""
    stated = str(portability.MAX_IMPORT_BYTES * 3)
    small = {"file": _upload(b"{}")}

    response = owner_client.post("/profile/import/", small, CONTENT_LENGTH=stated)
    api = owner_client.post("/api/v1/account/import/", small, CONTENT_LENGTH=stated)

    assert response.status_code == 200
    [error] = response.context["form"].errors["file"]
    assert "MB" in error and "nothing was imported" in error
    assert api.status_code == 400 and "MB" in api.json()["detail"]
    assert not portability.has_data(owner)


def test_the_import_page_still_refuses_a_post_without_its_csrf_token(client, owner):
    client.handler.enforce_csrf_checks = True
    client.force_login(owner)

    response = client.post("/profile/import/", {"file": _upload(b"{}")})

    assert response.status_code == 403


def test_the_size_limit_holds_for_a_file_that_does_not_say_its_size(owner):
    limit = portability.MAX_IMPORT_BYTES
    unsized = io.BytesIO(b'{"format": "crampless-export", "version": 1, "x": "' + b"x" * limit)

    with pytest.raises(portability.ImportRefused, match="MB"):
        portability.import_json(owner, unsized)


def _mangled(document, kind, field, value):
    document[kind][0][field] = value
    return document


@pytest.mark.parametrize(
    ("kind", "field", "value"),
    [
        ("cramps", "id", [1, 2]),  # an id that is a list
        ("cramps", "id", {"a": 1}),
        ("cramps", "id", "seven"),
        ("techniques_tried", "episode", [1]),  # a link that is a list
        ("techniques_tried", "episode", {"id": 1}),
        ("techniques_tried", "technique", ["press-calf"]),  # a library slug that is a list
        ("experiments", "habit", {"slug": "stretch-before-bed"}),
        ("notifications", "delivery", [None]),
    ],
)
def test_a_malformed_id_or_link_gets_a_clear_message_and_imports_nothing(
    owner_client, owner, kind, field, value
):
    source = UserFactory(username="source")
    _fill(source)
    document = _mangled(_export(source), kind, field, value)
    before = _comparable(_export(owner))

    response = owner_client.post("/profile/import/", {"file": _upload(document)})

    assert response.status_code == 200
    [error] = response.context["form"].errors["file"]
    assert "Nothing was imported" in error and f"“{kind}”" in error
    owner.refresh_from_db()
    assert _comparable(_export(owner)) == before


def test_a_running_experiment_that_started_days_ago_is_restored_as_it_was(owner):
    source = UserFactory(username="source", timezone="Europe/Berlin")
    started = NOW.date() - dt.timedelta(days=10)
    Experiment.objects.create(
        user=source,
        habit=PreventionTip.objects.get(slug="loose-clothing"),
        start_date=started,
        seed=11,
    )

    counts = portability.import_json(owner, _upload(_export(source)))

    assert counts["experiments"] == 1
    restored = Experiment.objects.get(user=owner)
    assert (restored.start_date, restored.status, restored.seed) == (started, "running", 11)


@pytest.mark.parametrize("password", ["wrong", " " + PASSWORD, PASSWORD.upper()])
def test_the_web_and_the_api_refuse_a_wrong_password_with_the_same_words(
    owner_client, owner, password
):
    web = owner_client.post("/profile/delete/", {"password": password})
    api = owner_client.post(
        "/api/v1/account/delete/", {"password": password}, content_type="application/json"
    )

    assert web.context["form"].errors["password"] == [api.json()["detail"]]
    assert api.status_code == 403
    assert User.objects.filter(pk=owner.pk).exists()


def test_the_web_and_the_api_ask_one_password_check(owner_client, owner, monkeypatch):
    """Deleting is confirmed in one place: a change to the check reaches both doors."""
    asked = []

    def check(user, password):
        asked.append((user.pk, password))
        raise portability.ValidationError("refused here", code="wrong_password")

    monkeypatch.setattr(portability, "check_delete_password", check)
    web = owner_client.post("/profile/delete/", {"password": PASSWORD})
    api = owner_client.post(
        "/api/v1/account/delete/", {"password": PASSWORD}, content_type="application/json"
    )

    assert asked == [(owner.pk, PASSWORD), (owner.pk, PASSWORD)]
    assert web.context["form"].errors["password"] == ["refused here"]
    assert (api.status_code, api.json()) == (403, {"detail": "refused here"})
    assert User.objects.filter(pk=owner.pk).exists()


def test_deleting_an_account_never_reads_other_peoples_sessions(client, owner, outsider):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):
        type(client)().force_login(outsider)
    other_browser = type(client)()
    other_browser.force_login(owner)

    with CaptureQueriesContext(connection) as queries:
        portability.delete_account(owner)

    assert not [q["sql"] for q in queries if "django_session" in q["sql"]]
    assert other_browser.get("/profile/").status_code == 302
    theirs = [
        s for s in Session.objects.all() if s.get_decoded()["_auth_user_id"] == str(outsider.pk)
    ]
    assert len(theirs) == 3  # the outsider's sessions untouched


def test_a_deleted_users_session_never_signs_in_whoever_gets_the_id_next(client, owner):
    other_browser = type(client)()
    other_browser.force_login(owner)
    pk = owner.pk

    portability.delete_account(owner)
    UserFactory(pk=pk, username="newcomer")

    assert other_browser.get("/profile/").status_code == 302


def test_an_imported_zone_follows_the_profiles_rule_and_is_stored_by_its_own_name(
    owner_client, owner
):
    source = UserFactory(username="source")
    document = _export(source)
    document["profile"]["timezone"] = "asia/shanghai"

    response = owner_client.post("/profile/import/", {"file": _upload(document)})

    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.timezone == "Asia/Shanghai"


@pytest.mark.parametrize(
    "zone", ["Mars/Olympus_Mons", "", None, ["Europe/Berlin"], 7, "posixrules"]
)
def test_a_profile_with_an_unknown_time_zone_gets_a_clear_message_and_imports_nothing(
    owner_client, owner, zone
):
    source = UserFactory(username="source")
    _fill(source)
    document = _export(source)
    document["profile"]["timezone"] = zone

    response = owner_client.post("/profile/import/", {"file": _upload(document)})

    [error] = response.context["form"].errors["file"]
    assert "Nothing was imported" in error and "timezone" in error
    owner.refresh_from_db()
    assert (owner.timezone, owner.birth_year) == ("Europe/Berlin", None)
    assert not portability.has_data(owner)
