"""The experiment's schedule, nights, adherence and statistics, against hand-computed values."""

import datetime as dt
import math
import random
from zoneinfo import ZoneInfo

import pytest
import time_machine

from cramps.insights import experiments as ex
from cramps.models import CheckIn, Experiment, PreventionTip
from tests.factories import CrampEpisodeFactory

D = dt.date
MON = D(2026, 3, 9)


def _block(index, arm, first, days=7, pair=None):
    pair = index // 2 if pair is None else pair
    return ex.Block(index, pair, arm, first, first + dt.timedelta(days=days - 1))


# --- The schedule --------------------------------------------------------------------------


def test_each_pair_is_one_habit_and_one_no_habit_block_in_a_seeded_order():
    blocks = ex.schedule(seed=12345, pairs=4, block_days=7, start=MON)
    assert len(blocks) == 8
    for pair in range(4):
        arms = [b.arm for b in blocks if b.pair == pair]
        assert sorted(arms) == [ex.HABIT, ex.NO_HABIT]
    assert blocks[0].first_night == MON and blocks[0].last_night == D(2026, 3, 15)
    assert blocks[7].last_night == MON + dt.timedelta(days=55)


def test_the_order_comes_from_the_seed_alone_and_never_changes():
    # Drawn once: one random bit per pair from random.Random(seed), so it can be shown and
    # recomputed on the last day (and by anyone with the seed) to the same schedule.
    rng = random.Random(7)
    bits = [rng.getrandbits(1) for _ in range(3)]
    expected = [(ex.HABIT, ex.NO_HABIT) if b else (ex.NO_HABIT, ex.HABIT) for b in bits]
    assert ex.pair_orders(7, 3) == expected
    assert ex.schedule(7, 3, 14, MON) == ex.schedule(7, 3, 14, MON)
    # Different seeds give different orders somewhere among a few seeds.
    assert len({tuple(ex.pair_orders(seed, 4)) for seed in range(20)}) > 1


def test_a_cramp_before_noon_counts_for_the_night_before():
    tz = ZoneInfo("Europe/Berlin")
    assert ex.night_of(dt.datetime(2026, 3, 10, 3, 0, tzinfo=tz)) == D(2026, 3, 9)
    assert ex.night_of(dt.datetime(2026, 3, 10, 11, 59, tzinfo=tz)) == D(2026, 3, 9)
    assert ex.night_of(dt.datetime(2026, 3, 10, 12, 0, tzinfo=tz)) == D(2026, 3, 10)
    assert ex.night_of(dt.datetime(2026, 3, 10, 23, 30, tzinfo=tz)) == D(2026, 3, 10)


def test_blocks_are_local_dates_so_a_clock_change_never_moves_them():
    # Berlin springs forward on 2026-03-29: the block still runs Monday to Sunday.
    blocks = ex.schedule(1, 3, 7, D(2026, 3, 23))
    assert ex.block_on(blocks, D(2026, 3, 29)) is blocks[0]
    assert ex.block_on(blocks, D(2026, 3, 30)) is blocks[1]
    assert ex.block_on(blocks, D(2026, 3, 22)) is None
    assert ex.block_on(blocks, blocks[-1].last_night + dt.timedelta(days=1)) is None


# --- Per block -----------------------------------------------------------------------------


def test_block_figures_count_cramps_nights_severity_and_adherence():
    habit = _block(0, ex.HABIT, MON)
    none = _block(1, ex.NO_HABIT, MON + dt.timedelta(days=7))
    cramps = [(MON, 4), (MON, 6), (D(2026, 3, 11), 8), (D(2026, 3, 17), 2)]
    answers = {MON + dt.timedelta(days=i): True for i in range(5)}  # 5 of 7 answered, all yes
    answers[D(2026, 3, 14)] = False
    answers.update({D(2026, 3, 16): False, D(2026, 3, 17): True, D(2026, 3, 18): None})
    r_h, r_0 = ex.block_results([habit, none], cramps, answers, through=D(2026, 3, 22))
    assert (r_h.nights, r_h.cramps, r_h.cramp_nights, r_h.mean_severity) == (7, 3, 2, 6.0)
    assert (r_h.answered, r_h.as_planned) == (6, 5)
    assert r_h.adherence == pytest.approx(5 / 6) and not r_h.low_adherence
    # In the "no habit" block a "no" is as planned: 1 of 2 answered, 50%, flagged.
    assert (r_0.nights, r_0.cramps, r_0.mean_severity) == (7, 1, 2.0)
    assert (r_0.answered, r_0.as_planned, r_0.low_adherence) == (2, 1, True)


def test_a_block_is_counted_only_up_to_the_last_night_that_is_over():
    block = _block(0, ex.HABIT, MON)
    (result,) = ex.block_results([block], [(D(2026, 3, 13), 5)], {}, through=D(2026, 3, 11))
    assert (result.nights, result.cramps, result.complete) == (3, 0, False)
    # No answers at all is flagged too: nothing says the plan was kept.
    assert result.adherence is None and result.low_adherence


# --- The statistics, against hand-computed values -------------------------------------------


def test_rate_ratio_with_no_cramps_follows_the_f_1_1_distribution():
    # 0 cramps in both arms: posteriors Gamma(0.5, nights), so ratio = F(1, 1) x (n0 / nh).
    # F(1, 1) has cdf (2 / pi) atan(sqrt(x)): P(ratio < 1) = (2/pi) atan(sqrt(21/7)) = 2/3,
    # and its 97.5% point is tan(0.975 pi / 2)^2.
    rr = ex.rate_ratio(0, 21, 0, 7)
    assert rr.p_lower == pytest.approx(2 / 3)
    assert rr.median == pytest.approx(1 / 3)  # the median of F(1, 1) is 1
    assert rr.high == pytest.approx(math.tan(0.975 * math.pi / 2) ** 2 / 3)
    assert rr.low == pytest.approx(math.tan(0.025 * math.pi / 2) ** 2 / 3)


def test_probability_the_habit_lowers_the_rate_by_hand():
    # 0 cramps in 7 habit nights, 1 in 7 without: rate_h < rate_0 iff G_h / (G_h + G_0) < 1/2,
    # a Beta(0.5, 1.5) variable, whose cdf is (2/pi)(asin(sqrt x) + sqrt(x (1 - x))):
    # at 1/2 that is (2/pi)(pi/4 + 1/2) = 1/2 + 1/pi.
    assert ex.rate_ratio(0, 7, 1, 7).p_lower == pytest.approx(0.5 + 1 / math.pi)
    # Symmetric: equal counts over equal nights is 50:50 and a median of 1.
    even = ex.rate_ratio(4, 21, 4, 21)
    assert even.p_lower == pytest.approx(0.5) and even.median == pytest.approx(1.0)


def test_randomisation_p_value_over_every_block_order_by_hand():
    # Every pair favours the habit: only the observed order is as extreme, 1 of 2^3.
    assert ex.randomisation_p([0.2, 0.1, 0.3]) == 1 / 8
    # Signed sums of (0.2, -0.1, 0.3) over the 8 orders: 0.4, -0.2, 0.6, 0, 0, -0.6, 0.2, -0.4;
    # two are >= the observed 0.4.
    assert ex.randomisation_p([0.2, -0.1, 0.3]) == 2 / 8
    assert ex.randomisation_p([0.0, 0.0, 0.0, 0.0]) == 1.0
    assert ex.randomisation_p([0.1, 0.1, 0.1, 0.1]) == 1 / 16


def _pairs(counts, days=7):
    """Complete blocks from [(habit cramps, no-habit cramps), ...], one cramp per night."""
    blocks, cramps = [], []
    for x_h, x_0 in counts:
        for arm, x in ((ex.HABIT, x_h), (ex.NO_HABIT, x_0)):
            block = _block(len(blocks), arm, MON + dt.timedelta(days=len(blocks) * days), days)
            blocks.append(block)
            cramps += [(block.first_night + dt.timedelta(days=i), 5) for i in range(x)]
    end = blocks[-1].last_night
    return ex.block_results(blocks, cramps, {}, through=end)


def test_verdict_thresholds():
    helps = ex.analyse(_pairs([(0, 3), (1, 3), (0, 2)]))
    assert helps.verdict == ex.HELPS and helps.ratio.p_lower >= 0.9
    assert (helps.cramps_habit, helps.nights_habit, helps.cramps_none) == (1, 21, 8)
    assert helps.p_randomisation == 1 / 8
    same = ex.analyse(_pairs([(2, 2), (3, 2), (1, 2)]))
    assert same.verdict == ex.NO_DIFFERENCE
    few = ex.analyse(_pairs([(0, 2), (0, 2), (0, 1)]))  # 5 cramps: under 6
    assert few.verdict == ex.NOT_ENOUGH and few.verdict_words == "Not enough cramps to tell"


def test_only_complete_pairs_are_analysed():
    results = _pairs([(0, 3), (1, 3), (0, 2)])
    cut = ex.block_results([r.block for r in results], [], {}, through=results[3].block.first_night)
    partial = ex.analyse(cut)
    assert partial.pairs_used == 1 and partial.verdict == ex.NOT_ENOUGH


# --- From the log --------------------------------------------------------------------------


def _experiment(user, start, seed=3, **kw):
    habit = PreventionTip.objects.get(slug="stretch-before-bed")
    return Experiment.objects.create(
        user=user, habit=habit, start_date=start, seed=seed, block_days=7, pairs=3, **kw
    )


@time_machine.travel(dt.datetime(2026, 5, 1, 12, tzinfo=dt.UTC), tick=False)
def test_an_experiment_survives_a_change_of_time_zone_and_daylight_saving(owner):
    # Berlin, from Monday 2026-03-16; the clocks spring forward on 2026-03-29 (block 2).
    experiment = _experiment(owner, D(2026, 3, 16), status=Experiment.Status.FINISHED)
    blocks = ex.schedule_of(experiment)
    berlin = ZoneInfo("Europe/Berlin")
    # A cramp at 03:00 Berlin on Monday 30 March (summer time): night of Sunday 29, block 2.
    CrampEpisodeFactory(user=owner, started_at=dt.datetime(2026, 3, 30, 3, tzinfo=berlin))
    # Then the user moves to New York and logs a cramp at 02:00 local on 7 April: night of 6.
    owner.timezone = "America/New_York"
    owner.save()
    ny = ZoneInfo("America/New_York")
    CrampEpisodeFactory(user=owner, started_at=dt.datetime(2026, 4, 7, 2, tzinfo=ny))
    CheckIn.objects.create(user=owner, date=D(2026, 4, 6), stretched_before_bed=True)
    report = ex.report_for(Experiment.objects.select_related("user", "habit").get())
    # The blocks are the same local dates as before the move.
    assert [r.block for r in report.blocks] == blocks
    by_block = {r.block.index: r for r in report.blocks}
    # The Berlin cramp read on New York's clock is 21:00 on 29 March: still that night.
    assert by_block[1].cramps == 1
    assert by_block[3].cramps == 1 and by_block[3].answered == 1


@time_machine.travel(dt.datetime(2026, 3, 20, 10, tzinfo=dt.UTC), tick=False)
def test_no_results_while_it_runs(owner):
    experiment = _experiment(owner, D(2026, 3, 16))
    CrampEpisodeFactory(user=owner, started_at=dt.datetime(2026, 3, 17, 2, tzinfo=dt.UTC))
    report = ex.report_for(experiment)
    assert report.results is None
    # Friday 11:00 in Berlin: nights 16 to 18 are over; the night of the 19th runs to noon.
    assert report.blocks[0].nights == 3 and report.blocks[0].cramps == 1


@time_machine.travel(dt.datetime(2026, 5, 1, 12, tzinfo=dt.UTC), tick=False)
def test_the_demo_experiment_is_finished_with_a_plausible_log(owner):
    experiment = ex.make_demo_experiment(owner, random.Random(1), owner.local_today())
    assert experiment.status == Experiment.Status.FINISHED
    assert experiment.last_night == owner.local_today() - dt.timedelta(days=1)
    report = ex.report_for(experiment)
    assert report.results is not None and report.results.pairs_used == 3
    assert sum(r.answered for r in report.blocks) > 30
    assert any(r.low_adherence for r in report.blocks) or all(
        r.adherence >= 0.7 for r in report.blocks
    )


@time_machine.travel(dt.datetime(2026, 5, 1, 12, tzinfo=dt.UTC), tick=False)
def test_report_lists_only_finished_or_stopped_experiments_in_the_period(owner, outsider):
    done = _experiment(owner, D(2026, 3, 2), status=Experiment.Status.FINISHED)
    _experiment(outsider, D(2026, 3, 2), status=Experiment.Status.FINISHED)
    assert [r.experiment for r in ex.experiment_results_for_report(owner, MON, MON)] == [done]
    assert ex.experiment_results_for_report(owner, D(2026, 5, 1), D(2026, 5, 30)) == []
