"""Personal experiments (n-of-1 trials): the schedule, the nights, adherence and the analysis.

The design is a randomised multiple crossover (Woodfield et al., Br J Gen Pract 2005): pairs of
blocks, each pair "habit" and "no habit" in a random order drawn once from the experiment's
stored seed, so the schedule shown on day one is the one analysed at the end.

Rules, each tested in tests/test_insights_experiments.py:
- A night belongs to the local date it started on. A cramp from local noon to the next noon
  counts for that night: a cramp at 03:00 on Tuesday is Monday's night. Noon is as far from any
  sleeping time as a day allows, so a cramp keeps its night when the user changes zone by a few
  hours (dates are read on the user's current clock, as everywhere in the app).
- Blocks are runs of local dates, so a daylight-saving change or a new time zone never moves
  them; "tonight" is the user's local date on their clock now.
- Adherence comes from the daily check-in's answer for the habit: in a "habit" block a yes is
  as planned, in a "no habit" block a no is. Days not answered are shown, not guessed. A block
  under 70% is flagged, never hidden.
- Results only at the end (no peeking): looking at interim results and stopping when they look
  good makes chance findings look real. A stopped experiment is analysed over its complete
  pairs only, and says so.
- The model: cramps in each arm are Poisson, `cramps ~ Poisson(rate x nights)`, with a
  Gamma(0.5, 0) (Jeffreys) prior on each rate, so each posterior is Gamma(cramps + 0.5, nights).
  The rate ratio (habit / no habit) is then a scaled F distribution (scipy.stats.f): its median,
  95% interval and the probability that it is below 1 are exact.
- The randomisation test: the statistic is the sum over pairs of (cramps per night without the
  habit - with it); the p-value is the share of the 2^pairs possible block orders with a statistic
  at least as large as the one observed (one-sided: the habit lowers cramps). With 3 pairs the
  smallest possible p-value is 1/8, with 4 pairs 1/16: a short trial cannot be "significant".
- The verdict: fewer than 6 cramps in all (or no complete pair) is "not enough cramps to tell";
  a probability of at least 90% that the habit lowers the rate is "likely helps you"; anything
  else is "no clear difference".
"""

import datetime as dt
import itertools
import random
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from scipy import stats

from cramps.models import CheckIn, CrampEpisode, Experiment, PreventionTip

HABIT, NO_HABIT = "habit", "no_habit"
NIGHT_STARTS = dt.time(12, 0)
LOW_ADHERENCE = 0.7
MIN_CRAMPS = 6
LIKELY_HELPS = 0.9
PRIOR_SHAPE, PRIOR_RATE = 0.5, 0.0

NOT_ENOUGH, HELPS, NO_DIFFERENCE = "not_enough", "helps", "no_difference"
VERDICTS = {
    HELPS: gettext_lazy("Likely helps you"),
    NO_DIFFERENCE: gettext_lazy("No clear difference"),
    NOT_ENOUGH: gettext_lazy("Not enough cramps to tell"),
}

# What to do in each arm, in words for the today page and the bedtime reminder.
_DO = {
    "stretch-before-bed": (
        gettext_lazy("do the bedtime stretch"),
        gettext_lazy("skip the bedtime stretch"),
    ),
    "warm-up-stretch": (gettext_lazy("warm up before exercise"), gettext_lazy("skip the warm-up")),
    "loose-clothing": (
        gettext_lazy("wear loose clothes and socks"),
        gettext_lazy("wear what you usually wear"),
    ),
    "keep-warm-after-cold": (
        gettext_lazy("keep warm after exercise in the cold"),
        gettext_lazy("don't make a point of keeping warm"),
    ),
}


# --- The schedule --------------------------------------------------------------------------


@dataclass(frozen=True)
class Block:
    index: int  # 0-based, in time order
    pair: int  # 0-based
    arm: str  # HABIT or NO_HABIT
    first_night: dt.date
    last_night: dt.date

    @property
    def with_habit(self) -> bool:
        return self.arm == HABIT

    def __contains__(self, night: dt.date) -> bool:
        return self.first_night <= night <= self.last_night


def pair_orders(seed: int, pairs: int) -> list[tuple[str, str]]:
    """Each pair's order, drawn once from the seed: one random bit per pair, in pair order."""
    rng = random.Random(seed)
    return [(HABIT, NO_HABIT) if rng.getrandbits(1) else (NO_HABIT, HABIT) for _ in range(pairs)]


def schedule(seed: int, pairs: int, block_days: int, start: dt.date) -> list[Block]:
    blocks = []
    for pair, order in enumerate(pair_orders(seed, pairs)):
        for arm in order:
            index = len(blocks)
            first = start + dt.timedelta(days=index * block_days)
            blocks.append(Block(index, pair, arm, first, first + dt.timedelta(days=block_days - 1)))
    return blocks


def schedule_of(experiment) -> list[Block]:
    return schedule(experiment.seed, experiment.pairs, experiment.block_days, experiment.start_date)


def night_of(local: dt.datetime) -> dt.date:
    """The night a local time belongs to: from noon to the next noon, named by its first date."""
    return local.date() if local.time() >= NIGHT_STARTS else local.date() - dt.timedelta(days=1)


def block_on(blocks: list[Block], night: dt.date) -> Block | None:
    return next((block for block in blocks if night in block), None)


def block_line(experiment, night: dt.date) -> str:
    """What tonight's block asks, in one line; "" when no block of the experiment covers it."""
    block = block_on(schedule_of(experiment), night)
    if block is None:
        return ""
    do, skip = _DO.get(experiment.habit.slug, (_("keep the habit"), _("skip the habit")))
    period = _("This week") if experiment.block_days == 7 else _("These two weeks")
    if block.with_habit:
        return _("%(period)s: %(do)s (experiment, block %(n)s of %(total)s).") % {
            "period": period,
            "do": do,
            "n": block.index + 1,
            "total": 2 * experiment.pairs,
        }
    return _("%(period)s: %(skip)s, that is the experiment (block %(n)s of %(total)s).") % {
        "period": period,
        "skip": skip,
        "n": block.index + 1,
        "total": 2 * experiment.pairs,
    }


def skips_bedtime_stretch(experiment, night: dt.date) -> bool:
    """Whether tonight is a "no habit" block of a bedtime-stretch experiment: the bedtime
    reminder must not then urge the stretch."""
    if experiment.habit.slug != "stretch-before-bed":
        return False
    block = block_on(schedule_of(experiment), night)
    return block is not None and not block.with_habit


def running_by_user(user_ids) -> dict:
    """{user id: running experiment, its habit loaded}, for a batch of users in one query."""
    running = Experiment.objects.running().filter(user_id__in=user_ids).select_related("habit")
    return {experiment.user_id: experiment for experiment in running}


# --- Per block: cramps and adherence -------------------------------------------------------


@dataclass(frozen=True)
class BlockResult:
    block: Block
    nights: int  # nights of the block counted so far
    cramps: int
    cramp_nights: int
    mean_severity: float | None
    answered: int  # check-ins that answered the habit's question
    as_planned: int

    @property
    def complete(self) -> bool:
        return self.nights == (self.block.last_night - self.block.first_night).days + 1

    @property
    def adherence(self) -> float | None:
        return self.as_planned / self.answered if self.answered else None

    @property
    def low_adherence(self) -> bool:
        return self.nights > 0 and (self.adherence is None or self.adherence < LOW_ADHERENCE)


def block_results(
    blocks: list[Block],
    cramps: list[tuple[dt.date, int]],
    answers: dict[dt.date, bool | None],
    through: dt.date,
) -> list[BlockResult]:
    """Each block's figures over its nights up to `through`: `cramps` as (night, severity),
    `answers` the check-in's answer for the habit by local date."""
    results = []
    for block in blocks:
        last = min(block.last_night, through)
        nights = max((last - block.first_night).days + 1, 0)
        mine = [(n, sev) for n, sev in cramps if block.first_night <= n <= last]
        severities = [sev for _n, sev in mine]
        days = [block.first_night + dt.timedelta(days=i) for i in range(nights)]
        given = [answers[d] for d in days if answers.get(d) is not None]
        results.append(
            BlockResult(
                block=block,
                nights=nights,
                cramps=len(mine),
                cramp_nights=len({n for n, _sev in mine}),
                mean_severity=sum(severities) / len(severities) if severities else None,
                answered=len(given),
                as_planned=sum(1 for answer in given if answer is block.with_habit),
            )
        )
    return results


# --- The analysis --------------------------------------------------------------------------


@dataclass(frozen=True)
class RateRatio:
    median: float
    low: float
    high: float
    p_lower: float  # the probability that the habit lowers the cramp rate


def rate_ratio(cramps_habit: int, nights_habit: int, cramps_none: int, nights_none: int):
    """The posterior of (rate with the habit) / (rate without), as the module docstring says.

    With Gamma(a, b) posteriors, rate = G / b with G ~ Gamma(a, 1), and
    (G_h / a_h) / (G_0 / a_0) ~ F(2 a_h, 2 a_0); so ratio = F x (a_h / a_0) x (b_0 / b_h).
    """
    a_h, a_0 = cramps_habit + PRIOR_SHAPE, cramps_none + PRIOR_SHAPE
    b_h, b_0 = nights_habit + PRIOR_RATE, nights_none + PRIOR_RATE
    scale = (a_h / a_0) * (b_0 / b_h)
    f = stats.f(2 * a_h, 2 * a_0)
    low, median, high = (scale * q for q in f.ppf([0.025, 0.5, 0.975]))
    return RateRatio(float(median), float(low), float(high), float(f.cdf(1 / scale)))


def complete_pairs(results: list[BlockResult]) -> list[dict[str, BlockResult]]:
    """The pairs whose two blocks are over, in order, each as {arm: its block's figures}."""
    by_pair: dict[int, dict[str, BlockResult]] = {}
    for result in results:
        by_pair.setdefault(result.block.pair, {})[result.block.arm] = result
    return [
        arms
        for _pair, arms in sorted(by_pair.items())
        if set(arms) == {HABIT, NO_HABIT} and all(r.complete for r in arms.values())
    ]


def pair_differences(pairs: list[dict[str, BlockResult]]) -> list[float]:
    """Per complete pair: cramps per night without the habit minus with it."""
    return [
        arms[NO_HABIT].cramps / arms[NO_HABIT].nights - arms[HABIT].cramps / arms[HABIT].nights
        for arms in pairs
    ]


def randomisation_p(diffs: list[float]) -> float:
    """Exact one-sided p-value over all 2^pairs orders: each other order flips a pair's sign."""
    observed = sum(diffs)
    orders = list(itertools.product((1, -1), repeat=len(diffs)))
    # A tiny tolerance: sums of the same floats in another order may differ in the last bit.
    at_least = sum(
        1
        for signs in orders
        if sum(s * d for s, d in zip(signs, diffs, strict=True)) >= observed - 1e-12
    )
    return at_least / len(orders)


@dataclass(frozen=True)
class Results:
    pairs_used: int
    cramps_habit: int
    nights_habit: int
    cramps_none: int
    nights_none: int
    ratio: RateRatio | None
    p_randomisation: float | None
    verdict: str

    @property
    def verdict_words(self) -> str:
        return str(VERDICTS[self.verdict])


def analyse(results: list[BlockResult]) -> Results:
    """The results over the complete pairs, with the verdict's thresholds as stated above."""
    pairs = complete_pairs(results)
    diffs = pair_differences(pairs)
    habit = [arms[HABIT] for arms in pairs]
    none = [arms[NO_HABIT] for arms in pairs]
    x_h, n_h = sum(r.cramps for r in habit), sum(r.nights for r in habit)
    x_0, n_0 = sum(r.cramps for r in none), sum(r.nights for r in none)
    if not diffs:
        return Results(0, x_h, n_h, x_0, n_0, None, None, NOT_ENOUGH)
    ratio = rate_ratio(x_h, n_h, x_0, n_0)
    if x_h + x_0 < MIN_CRAMPS:
        verdict = NOT_ENOUGH
    elif ratio.p_lower >= LIKELY_HELPS:
        verdict = HELPS
    else:
        verdict = NO_DIFFERENCE
    return Results(len(diffs), x_h, n_h, x_0, n_0, ratio, randomisation_p(diffs), verdict)


# --- Reading the log (the only part that queries) -------------------------------------------


@dataclass(frozen=True)
class Report:
    experiment: Experiment
    blocks: list[BlockResult]
    results: Results | None  # None while running: no peeking

    @property
    def low_adherence_blocks(self) -> list[BlockResult]:
        return [r for r in self.blocks if r.low_adherence]


def counted_through(experiment) -> dt.date:
    """The last night the figures count: the experiment's last, or for a stopped or running
    one the last night that is over on the user's clock."""
    user = experiment.user
    if experiment.status == Experiment.Status.FINISHED:
        return experiment.last_night
    at = experiment.stopped_at.astimezone(user.tz) if experiment.stopped_at else user.local_now()
    return min(night_of(at) - dt.timedelta(days=1), experiment.last_night)


def report_for(experiment) -> Report:
    """The experiment's blocks from the log, in two queries (cramps, check-ins); the results
    only once it is over."""
    return reports_for([experiment])[0]


def _nights_span(experiment) -> tuple[dt.datetime, dt.datetime]:
    tz = experiment.user.tz
    since = dt.datetime.combine(experiment.start_date, NIGHT_STARTS, tzinfo=tz)
    until = dt.datetime.combine(
        experiment.last_night + dt.timedelta(days=1), NIGHT_STARTS, tzinfo=tz
    )
    return since, until


def reports_for(experiments: list) -> list[Report]:
    """Reports of one user's experiments in two queries however many there are: the cramps and
    the check-ins of the span they cover, shared out among them."""
    if not experiments:
        return []
    user = experiments[0].user
    tz = user.tz
    spans = [_nights_span(e) for e in experiments]
    cramps = list(
        CrampEpisode.objects.for_user(user)
        .between(min(s for s, _u in spans), max(u for _s, u in spans))
        .values_list("started_at", "severity")
    )
    checkins = list(
        CheckIn.objects.for_user(user)
        .filter(
            date__gte=min(e.start_date for e in experiments),
            date__lte=max(e.last_night for e in experiments),
        )
        .values("date", *{e.checkin_field for e in experiments})
    )
    reports = []
    for experiment, (since, until) in zip(experiments, spans, strict=True):
        mine = [(night_of(at.astimezone(tz)), sev) for at, sev in cramps if since <= at < until]
        answers = {
            row["date"]: row[experiment.checkin_field]
            for row in checkins
            if experiment.start_date <= row["date"] <= experiment.last_night
        }
        figures = block_results(schedule_of(experiment), mine, answers, counted_through(experiment))
        results = None if experiment.is_running else analyse(figures)
        reports.append(Report(experiment, figures, results))
    return reports


def tonight_block_line(user, local_date: dt.date) -> str:
    """The today page's line about tonight's block, "" without a running experiment (1 query)."""
    experiment = Experiment.objects.for_user(user).running().select_related("habit").first()
    return block_line(experiment, local_date) if experiment is not None else ""


def experiment_results_for_report(user, start: dt.date, end: dt.date) -> list[Report]:
    """Finished or stopped experiments that overlap the report's period, with their results."""
    experiments = (
        Experiment.objects.for_user(user)
        .exclude(status=Experiment.Status.RUNNING)
        .filter(start_date__lte=end)
        .select_related("habit", "user")
        .order_by("start_date", "id")
    )
    return reports_for([e for e in experiments if e.last_night >= start])


def make_demo_experiment(user, rng: random.Random, today: dt.date) -> Experiment:
    """A finished bedtime-stretch experiment ending yesterday, with check-ins and cramps that
    make a plausible log: fewer cramps in the stretch weeks, one week with patchy adherence."""
    habit = PreventionTip.objects.get(slug="stretch-before-bed")
    block_days, pairs = 7, 3
    start = today - dt.timedelta(days=block_days * 2 * pairs)
    experiment = Experiment.objects.create(
        user=user,
        habit=habit,
        block_days=block_days,
        pairs=pairs,
        start_date=start,
        seed=rng.randrange(2**31),
        status=Experiment.Status.FINISHED,
    )
    tz = user.tz
    for block in schedule_of(experiment):
        for i in range(block_days):
            night = block.first_night + dt.timedelta(days=i)
            patchy = block.index == 3
            did = block.with_habit if rng.random() > (0.4 if patchy else 0.08) else None
            CheckIn.objects.update_or_create(
                user=user, date=night, defaults={"stretched_before_bed": did}
            )
            if rng.random() < (0.15 if block.with_habit else 0.4):
                at = dt.datetime.combine(
                    night + dt.timedelta(days=1), dt.time(rng.randint(1, 5), rng.randint(0, 59))
                ).replace(tzinfo=tz)
                CrampEpisode.objects.create(
                    user=user,
                    started_at=at,
                    duration_seconds=rng.choice((30, 60, 120, 240)),
                    side=rng.choice(("left", "right")),
                    severity=rng.randint(3, 8),
                )
    return experiment
