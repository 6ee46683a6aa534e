"""The bedtime reminder and the today page say which block of a running experiment tonight is."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from cramps.insights import experiments as ex
from cramps.models import Experiment, PreventionTip, ReminderDelivery
from cramps.reminders.compose import compose, compose_many
from tests.conftest import NOW

BERLIN = ZoneInfo("Europe/Berlin")
START = dt.date(2026, 3, 2)  # a Monday; NOW is Tuesday 10 March, in block 2

pytestmark = pytest.mark.django_db


def _experiment(user, slug="stretch-before-bed", seed=11, start=START, block_days=7):
    return Experiment.objects.create(
        user=user,
        habit=PreventionTip.objects.get(slug=slug),
        start_date=start,
        seed=seed,
        block_days=block_days,
        pairs=3,
    )


def _seed_with_block_two(arm):
    return next(s for s in range(100) if ex.schedule(s, 3, 7, START)[1].arm == arm)


def _bedtime(user, night=dt.date(2026, 3, 10)):
    evening = dt.datetime.combine(night, dt.time(21, 30), tzinfo=BERLIN)
    delivery = ReminderDelivery.objects.create(
        user=user, kind="bedtime", occurrence=night.isoformat(), due_at=evening
    )
    with time_machine.travel(evening, tick=False):
        return compose(delivery, timezone.now())


def test_it_says_do_the_stretch_in_a_habit_week(owner):
    _experiment(owner, seed=_seed_with_block_two(ex.HABIT))
    composed = _bedtime(owner)
    assert "This week: do the bedtime stretch (experiment, block 2 of 6)." in composed.text
    assert composed.subject == "Time for your bedtime stretch"


def test_it_says_skip_it_in_a_no_habit_week_and_never_urges_the_stretch(owner):
    _experiment(owner, seed=_seed_with_block_two(ex.NO_HABIT))
    composed = _bedtime(owner)
    assert "This week: skip the bedtime stretch, that is the experiment" in composed.text
    assert composed.subject == "Tonight: no bedtime stretch, that is the experiment"
    assert "Log the stretch" not in composed.text and "worth the three" not in composed.text


def test_another_habits_skip_week_keeps_the_usual_stretch_reminder(owner):
    # Two-week blocks: 10 March is in the first.
    seed = next(s for s in range(100) if ex.schedule(s, 3, 14, START)[0].arm == ex.NO_HABIT)
    _experiment(owner, slug="loose-clothing", seed=seed, block_days=14)
    composed = _bedtime(owner)
    assert "These two weeks: wear what you usually wear, that is the experiment" in composed.text
    assert composed.subject == "Time for your bedtime stretch"


def test_no_line_before_the_start_after_the_end_or_once_stopped(owner):
    experiment = _experiment(owner, start=dt.date(2026, 3, 11))
    assert "experiment" not in _bedtime(owner).text
    assert "experiment" not in _bedtime(owner, night=dt.date(2026, 4, 22)).text.lower()
    experiment.stop()
    assert "experiment" not in _bedtime(owner, night=dt.date(2026, 3, 12)).text.lower()


def test_each_user_in_a_batch_gets_their_own_block(owner, outsider, django_assert_num_queries):
    _experiment(owner, seed=_seed_with_block_two(ex.HABIT))
    _experiment(outsider, seed=_seed_with_block_two(ex.NO_HABIT))
    evening = dt.datetime(2026, 3, 10, 20, 30, tzinfo=dt.UTC)
    deliveries = [
        ReminderDelivery.objects.create(user=u, kind="bedtime", occurrence="x", due_at=evening)
        for u in (owner, outsider)
    ]
    deliveries = list(ReminderDelivery.objects.select_related("user").order_by("id"))
    with time_machine.travel(evening, tick=False), django_assert_num_queries(5):
        # schedules, stretches, night cramps, intake totals, running experiments: one each
        done = compose_many(deliveries, timezone.now())
    assert "do the bedtime stretch" in done[deliveries[0].pk].text
    assert "skip the bedtime stretch" in done[deliveries[1].pk].text


@time_machine.travel(NOW, tick=False)
def test_the_today_page_shows_tonights_block(owner_client, owner, outsider):
    _experiment(owner, seed=_seed_with_block_two(ex.HABIT))
    _experiment(outsider, seed=_seed_with_block_two(ex.NO_HABIT))
    page = owner_client.get("/today/").content.decode()
    assert "This week: do the bedtime stretch" in page
    assert "skip" not in page.split("This week")[1][:60]
    Experiment.objects.get(user=owner).stop()
    assert "This week:" not in owner_client.get("/today/").content.decode()
