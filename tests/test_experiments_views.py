"""Experiment pages and API: owner and outsider, bad input in the same words from both, the
one-at-a-time rule, stop, delete, and results only at the end."""

import datetime as dt
import html
from contextlib import contextmanager
from unittest import mock

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cramps.models import CheckIn, Experiment, PreventionTip
from cramps.models import experiments as rules
from tests.conftest import NOW
from tests.factories import CrampEpisodeFactory

API = "/api/v1/experiments/"
TODAY = dt.date(2026, 3, 10)  # NOW in Berlin
WRITES = {"INSERT", "UPDATE", "DELETE"}

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _experiment(user, start=TODAY, status=Experiment.Status.RUNNING, **kw):
    stopped = {"stopped_at": NOW} if status == Experiment.Status.STOPPED else {}
    return Experiment.objects.create(
        user=user,
        habit=PreventionTip.objects.get(slug="stretch-before-bed"),
        start_date=start,
        seed=5,
        status=status,
        **stopped,
        **kw,
    )


def _form(**over):
    data = {"habit": "stretch-before-bed", "block_days": "7", "pairs": "3"}
    data["start_date"] = TODAY.isoformat()
    return {**data, **over}


def _web_errors(client, data) -> list[str]:
    response = client.post("/experiments/new/", data)
    assert response.status_code == 200  # the form again, with its messages
    errors = response.context["form"].errors
    return sorted(str(m) for messages in errors.values() for m in messages)


def _api_errors(client, data) -> list[str]:
    payload = {
        k: (int(v) if k in ("block_days", "pairs") and v.isdigit() else v) for k, v in data.items()
    }
    response = client.post(API, payload, content_type="application/json")
    assert response.status_code == 400, response.json()
    return sorted(m for messages in response.json().values() for m in messages)


# --- Starting one ---------------------------------------------------------------------------


def test_it_starts_an_experiment_from_the_form(owner_client, owner):
    response = owner_client.post("/experiments/new/", _form(block_days="14", pairs="4"))
    experiment = Experiment.objects.get(user=owner)
    assert response.status_code == 302 and response.url == f"/experiments/{experiment.pk}/"
    assert (experiment.block_days, experiment.pairs, experiment.start_date) == (14, 4, TODAY)
    assert experiment.status == "running" and experiment.seed is not None


def test_it_starts_an_experiment_from_the_api_with_todays_date_by_default(owner_client, owner):
    response = owner_client.post(
        API,
        {"habit": "loose-clothing", "block_days": 7, "pairs": 3},
        content_type="application/json",
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["habit"], body["start_date"], body["status"]) == (
        "loose-clothing",
        "2026-03-10",
        "running",
    )
    assert body["last_night"] == "2026-04-20"


def test_the_form_preselects_a_habit_from_the_link_and_lists_only_testable_habits(owner_client):
    page = owner_client.get("/experiments/new/?habit=loose-clothing")
    assert page.context["form"].initial["habit"] == "loose-clothing"
    content = page.content.decode()
    assert 'value="loose-clothing"' in content and 'value="dietary-minerals"' not in content
    assert 'value="fluids-long-exercise"' not in content
    # An unknown slug preselects nothing and is not an error.
    assert (
        "habit" not in owner_client.get("/experiments/new/?habit=quinine").context["form"].initial
    )


def test_pregnancy_notes_show_for_a_pregnant_user(owner_client, owner):
    assert "If you are pregnant" not in owner_client.get("/experiments/new/").content.decode()
    owner.pregnant = True
    owner.save()
    assert "If you are pregnant" in owner_client.get("/experiments/new/").content.decode()


@pytest.mark.parametrize(
    ("over", "message"),
    [
        ({"block_days": "10"}, rules.BLOCK_CHOICE),
        ({"pairs": "5"}, rules.PAIRS_CHOICE),
        ({"habit": "dietary-minerals"}, rules.NOT_A_HABIT),  # minerals: never a dose
        ({"habit": "avoid-overexertion"}, rules.NOT_A_HABIT),
        ({"habit": "no-such-habit"}, rules.NOT_A_HABIT),
        ({"start_date": "2026-03-09"}, rules.START_IN_PAST),  # yesterday in Berlin
        ({"start_date": "2026-06-01"}, rules.START_TOO_LATE),
    ],
)
def test_bad_input_gets_the_same_words_from_the_web_and_the_api(owner_client, owner, over, message):
    data = _form(**over)
    assert _web_errors(owner_client, data) == [str(message)]
    assert _api_errors(owner_client, data) == [str(message)]
    assert not Experiment.objects.exists()


def test_the_start_date_is_the_users_local_date(owner_client):
    # 23:30 UTC on 9 March is already 10 March in Berlin: 9 March is in the past there.
    with time_machine.travel(dt.datetime(2026, 3, 9, 23, 30, tzinfo=dt.UTC), tick=False):
        assert _web_errors(owner_client, _form(start_date="2026-03-09")) == [
            str(rules.START_IN_PAST)
        ]


def test_one_experiment_at_a_time_from_the_web_and_the_api(owner_client, owner):
    _experiment(owner)
    assert _web_errors(owner_client, _form()) == [str(rules.ONE_AT_A_TIME)]
    assert _api_errors(owner_client, _form()) == [str(rules.ONE_AT_A_TIME)]
    response = owner_client.post(
        API,
        {"habit": "loose-clothing", "block_days": 7, "pairs": 3},
        content_type="application/json",
    )
    assert response.json() == {"non_field_errors": [str(rules.ONE_AT_A_TIME)]}
    assert Experiment.objects.count() == 1


@contextmanager
def _rival_started_meanwhile(user):
    """Another request (a double submit, a second tab) saves a running experiment just after this
    one was validated and before it is saved: the database's one-running rule decides."""
    validate = Experiment.full_clean
    rivals = []

    def full_clean(self, *args, **kwargs):
        validate(self, *args, **kwargs)
        if self.pk is None and not rivals:
            rivals.append(_experiment(user))

    with mock.patch.object(Experiment, "full_clean", full_clean):
        yield


def test_a_double_submit_from_the_form_gets_the_rule_in_words_not_an_error(owner_client, owner):
    with _rival_started_meanwhile(owner):
        response = owner_client.post("/experiments/new/", _form(pairs="4"))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.non_field_errors() == [str(rules.ONE_AT_A_TIME)]
    assert str(rules.ONE_AT_A_TIME) in response.content.decode()  # shown on the form
    assert form["pairs"].value() == "4"  # what was chosen is kept
    assert Experiment.objects.count() == 1  # the rival only


def test_a_double_submit_to_the_api_is_a_400_with_the_rule(owner_client, owner):
    with _rival_started_meanwhile(owner):
        response = owner_client.post(
            API,
            {"habit": "loose-clothing", "block_days": 7, "pairs": 3},
            content_type="application/json",
        )
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": [str(rules.ONE_AT_A_TIME)]}
    assert Experiment.objects.count() == 1


def test_validating_a_new_experiment_writes_nothing(owner):
    # Running on paper, though its last night (15 February) is over: only a save settles it.
    old = _experiment(owner, start=dt.date(2026, 1, 5))
    new = Experiment(user=owner, habit=old.habit, start_date=TODAY)
    with (
        CaptureQueriesContext(connection) as queries,
        pytest.raises(rules.ValidationError) as error,
    ):
        new.full_clean()
    assert set(error.value.messages) == {str(rules.ONE_AT_A_TIME)}  # not settled: in the way
    writes = [q["sql"] for q in queries if q["sql"].split()[0].upper() in WRITES]
    assert writes == []
    old.refresh_from_db()
    assert old.status == Experiment.Status.RUNNING


def test_the_api_makes_room_too_once_the_running_experiment_is_over(owner_client, owner):
    old = _experiment(owner, start=dt.date(2026, 1, 5))
    response = owner_client.post(
        API,
        {"habit": "loose-clothing", "block_days": 7, "pairs": 3},
        content_type="application/json",
    )
    assert response.status_code == 201
    old.refresh_from_db()
    assert old.status == Experiment.Status.FINISHED


def test_a_finished_experiment_makes_room_for_a_new_one(owner_client, owner):
    old = _experiment(owner, start=dt.date(2026, 1, 5))  # 42 nights: over on 15 February
    response = owner_client.post("/experiments/new/", _form())
    assert response.status_code == 302
    old.refresh_from_db()
    assert old.status == Experiment.Status.FINISHED


def test_a_finished_or_stopped_experiment_cannot_be_changed(owner):
    for status in (Experiment.Status.FINISHED, Experiment.Status.STOPPED):
        experiment = _experiment(owner, start=dt.date(2026, 1, 5), status=status)
        experiment.pairs = 4
        with pytest.raises(rules.ValidationError) as error:
            experiment.full_clean()
        assert error.value.messages == [str(rules.FROZEN)]
        experiment.delete()


def test_a_running_experiments_plan_cannot_change(owner):
    experiment = _experiment(owner)
    experiment.block_days = 14
    with pytest.raises(rules.ValidationError) as error:
        experiment.full_clean()
    assert error.value.messages == [str(rules.DESIGN_FIXED)]


def test_the_api_offers_no_edit(owner_client, owner):
    experiment = _experiment(owner)
    url = f"{API}{experiment.pk}/"
    assert owner_client.patch(url, {"pairs": 4}, content_type="application/json").status_code == 405
    assert owner_client.put(url, {"pairs": 4}, content_type="application/json").status_code == 405


# --- Stop, delete, results --------------------------------------------------------------------


def test_stop_asks_first_then_stops_and_says_what_it_can_tell(owner_client, owner):
    experiment = _experiment(owner)
    page = owner_client.get(f"/experiments/{experiment.pk}/stop/")
    assert "Stop this experiment?" in page.content.decode()
    experiment.refresh_from_db()
    assert experiment.status == "running"
    owner_client.post(f"/experiments/{experiment.pk}/stop/")
    experiment.refresh_from_db()
    assert experiment.status == "stopped" and experiment.stopped_at == NOW
    detail = html.unescape(owner_client.get(f"/experiments/{experiment.pk}/").content.decode())
    assert "can't tell anything about the habit" in detail
    # Stopping twice: the message, no change.
    response = owner_client.post(f"/experiments/{experiment.pk}/stop/", follow=True)
    assert str(rules.NOT_RUNNING) in html.unescape(response.content.decode())


def test_the_api_stops_once(owner_client, owner):
    experiment = _experiment(owner)
    assert owner_client.post(f"{API}{experiment.pk}/stop/").json()["status"] == "stopped"
    again = owner_client.post(f"{API}{experiment.pk}/stop/")
    assert again.status_code == 400 and again.json() == {"status": [str(rules.NOT_RUNNING)]}


def test_delete_asks_first_and_keeps_the_log(owner_client, owner):
    experiment = _experiment(owner)
    CrampEpisodeFactory(user=owner)
    assert owner_client.get(f"/experiments/{experiment.pk}/delete/").status_code == 200
    assert Experiment.objects.exists()
    response = owner_client.post(f"/experiments/{experiment.pk}/delete/")
    assert response.status_code == 302 and not Experiment.objects.exists()
    assert owner.crampepisode_set.count() == 1


def test_no_results_while_it_runs_then_results_at_the_end(owner_client, owner):
    experiment = _experiment(owner, start=dt.date(2026, 1, 5))
    for day in range(0, 42, 3):
        night = dt.date(2026, 1, 5) + dt.timedelta(days=day)
        CrampEpisodeFactory(
            user=owner, started_at=dt.datetime.combine(night, dt.time(23), tzinfo=dt.UTC)
        )
        CheckIn.objects.create(user=owner, date=night, stretched_before_bed=True)
    with time_machine.travel(dt.datetime(2026, 2, 1, 9, tzinfo=dt.UTC), tick=False):
        running = owner_client.get(f"/experiments/{experiment.pk}/").content.decode()
        api = owner_client.get(f"{API}{experiment.pk}/results/").json()
    assert "nothing to peek at yet" in running and "Rate ratio" not in running
    assert api["results"] is None and "cramps" not in api["blocks"][0]
    finished = owner_client.get(f"/experiments/{experiment.pk}/").content.decode()
    assert "Rate ratio" in finished and "Finished" in finished
    api = owner_client.get(f"{API}{experiment.pk}/results/").json()
    assert api["results"]["pairs_used"] == 3
    assert sum(b["cramps"] for b in api["blocks"]) == 14
    assert api["results"]["verdict"] in ("helps", "no_difference", "not_enough")
    # The "no habit" blocks answered "yes" every time: flagged as low adherence.
    assert any(b["low_adherence"] for b in api["blocks"] if b["arm"] == "no_habit")


def test_the_list_shows_the_current_experiment_and_tonights_block(owner_client, owner):
    _experiment(owner)
    page = owner_client.get("/experiments/").content.decode()
    assert "Running now" in page and "This week:" in page


# --- Outsiders ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/experiments/{pk}/"),
        ("get", "/experiments/{pk}/stop/"),
        ("post", "/experiments/{pk}/stop/"),
        ("get", "/experiments/{pk}/delete/"),
        ("post", "/experiments/{pk}/delete/"),
        ("get", API + "{pk}/"),
        ("get", API + "{pk}/results/"),
        ("post", API + "{pk}/stop/"),
        ("delete", API + "{pk}/"),
    ],
)
def test_every_route_is_a_404_to_another_user(outsider_client, owner, method, path):
    experiment = _experiment(owner)
    response = getattr(outsider_client, method)(path.format(pk=experiment.pk))
    assert response.status_code == 404
    experiment.refresh_from_db()
    assert experiment.status == "running"


def test_lists_show_only_the_users_own(outsider_client, owner, outsider):
    _experiment(owner)
    assert outsider_client.get(API).json()["count"] == 0
    page = outsider_client.get("/experiments/").content.decode()
    assert "Running now" not in page and "No experiments yet." in page


def test_pages_need_a_login(client, owner):
    experiment = _experiment(owner)
    for path in ("/experiments/", "/experiments/new/", f"/experiments/{experiment.pk}/"):
        assert client.get(path).status_code == 302
    assert client.get(API).status_code in (401, 403)


def _detail_queries(client, experiment, django_assert_num_queries):
    with django_assert_num_queries(7):
        # 1. the session  2. the user  3. settle: the running experiment (none here)
        # 4. the experiment with its habit  5. its cramps  6. its check-ins
        # 7. the bell's unread count (base template)
        response = client.get(f"/experiments/{experiment.pk}/")
    assert response.status_code == 200


def test_the_page_makes_the_same_queries_whatever_the_log(
    owner_client, owner, django_assert_num_queries
):
    experiment = _experiment(owner, start=dt.date(2026, 1, 5), status=Experiment.Status.FINISHED)
    _detail_queries(owner_client, experiment, django_assert_num_queries)
    for day in range(42):
        night = dt.date(2026, 1, 5) + dt.timedelta(days=day)
        CrampEpisodeFactory(
            user=owner, started_at=dt.datetime.combine(night, dt.time(23), tzinfo=dt.UTC)
        )
        CheckIn.objects.create(user=owner, date=night, stretched_before_bed=day % 2 == 0)
    _detail_queries(owner_client, experiment, django_assert_num_queries)


def test_the_admin_reads_and_stops_but_never_adds(admin_client, owner):
    experiment = _experiment(owner)
    assert admin_client.get("/admin/cramps/experiment/").status_code == 200
    assert admin_client.get(f"/admin/cramps/experiment/{experiment.pk}/change/").status_code == 200
    assert admin_client.get("/admin/cramps/experiment/add/").status_code == 403
    admin_client.post(
        "/admin/cramps/experiment/",
        {"action": "stop_experiments", "_selected_action": [experiment.pk]},
    )
    experiment.refresh_from_db()
    assert experiment.status == "stopped"
