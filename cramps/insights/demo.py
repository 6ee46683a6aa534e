"""Demo data: plausible days of logs for one user, from a seeded random generator.

`python manage.py demo` fills a demo account with 120 days so every insights page has
something to show; the insights benchmark reuses `generate` for three years. The same seed
gives the same log. In this made-up log the bedtime stretch lowers the chance of a night cramp,
so the pattern page has a pattern to show.
"""

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from cramps.insights import experiments
from cramps.models import (
    CheckIn,
    CrampEpisode,
    ExerciseSession,
    FoodItem,
    HydrationEntry,
    IntakeEntry,
    ReliefTechnique,
    StretchEntry,
    TechniqueTrial,
)

DEMO_USERNAME = "demo"
DEMO_DAYS = 120
BEDTIME_ROUTINE_SLUG = "bedtime-routine"
# Night-cramp chance after a day with and without the bedtime stretch.
NIGHT_CRAMP_CHANCE = {True: 0.15, False: 0.35}
# How each technique tends to help in this made-up log (chance of "helped").
_HELPS = {"cramp-stretch": 0.75, "calf-squeeze": 0.6, "calf-stretch": 0.6}


def add_demo_experiment(user, rng: random.Random, today: dt.date) -> None:
    """A finished bedtime-stretch experiment ending yesterday, for the demo account."""
    experiments.make_demo_experiment(user, rng, today)


def _local(user, day: dt.date, hour: float) -> dt.datetime:
    start, _ = user.day_bounds(day)
    return start + dt.timedelta(hours=hour)


def generate(user, rng: random.Random, today: dt.date, days: int = DEMO_DAYS) -> dict:
    """`days` days of logs ending today (nothing after now), bulk-created; returns row counts."""
    techniques = {t.slug: t for t in ReliefTechnique.objects.all()}
    foods = [f for f in FoodItem.objects.all() if f.kind != FoodItem.Kind.SUPPLEMENT]
    assert techniques and foods, "load the relief library first (loaddata techniques foods ...)"
    routine = techniques.get(BEDTIME_ROUTINE_SLUG) or next(iter(techniques.values()))
    guide = [t for t in techniques.values() if t.in_cramp_guide] or list(techniques.values())
    now = timezone.now()
    episodes, trials, drinks, intake, stretches, exercise, checkins = [], [], [], [], [], [], []
    # Habits firm up over the months, as people's do.
    for back in range(days - 1, -1, -1):
        day = today - dt.timedelta(days=back)
        progress = 1 - back / max(days, 1)
        stretched = rng.random() < 0.35 + 0.45 * progress
        exercised = rng.random() < 0.35
        warmed = exercised and rng.random() < 0.6 + 0.3 * progress

        def add(items, obj, hour, day=day):
            if _local(user, day, hour) <= now:
                items.append(obj)

        for hour in sorted(rng.uniform(7.5, 21) for _ in range(rng.randint(3, 7))):
            at = _local(user, day, hour)
            entry = HydrationEntry(
                user=user,
                at=at,
                amount_ml=rng.choice((150, 250, 250, 330, 500)),
                drink=rng.choice(("water", "water", "water", "milk", "electrolyte")),
            )
            add(drinks, entry, hour)
        for _ in range(rng.randint(0, 3)):
            hour = rng.uniform(8, 20)
            entry = IntakeEntry(
                user=user,
                at=_local(user, day, hour),
                food=rng.choice(foods),
                servings=Decimal(rng.choice(("0.5", "1", "1", "2"))),
            )
            entry.fill_from_food()
            add(intake, entry, hour)
        if stretched:
            stretch = StretchEntry(
                user=user,
                at=_local(user, day, 22.2),
                technique=routine,
                duration_minutes=rng.choice((3, 5, 5, 10)),
                occasion=StretchEntry.Occasion.BEFORE_BED,
            )
            add(stretches, stretch, 22.2)
        if exercised:
            hour = rng.choice((7.0, 12.5, 18.0, 18.5))
            session = ExerciseSession(
                user=user,
                starts_at=_local(user, day, hour),
                duration_minutes=rng.choice((30, 45, 60)),
                activity=rng.choice(("Running", "Cycling", "Swimming", "Walking")),
                intensity=rng.choice(("easy", "moderate", "hard")),
                outdoors=rng.random() < 0.5,
                warmed_up=warmed,
                status=ExerciseSession.Status.DONE,
            )
            add(exercise, session, hour + 1)
            if not warmed and rng.random() < 0.25:
                _cramp(user, rng, day, hour + 0.5, "during_exercise", guide, episodes, trials, now)
        # The night after this day: 01:00-05:00 the next morning.
        if rng.random() < NIGHT_CRAMP_CHANCE[stretched]:
            night = day + dt.timedelta(days=1)
            _cramp(user, rng, night, rng.uniform(1, 5), "asleep", guide, episodes, trials, now)
        if rng.random() < 0.85 and back > 0:
            checkins.append(
                CheckIn(
                    user=user,
                    date=day,
                    stretched_before_bed=stretched,
                    warmed_up=warmed if exercised else None,
                    loose_clothing=rng.random() < 0.8,
                    kept_warm=(rng.random() < 0.7) if exercised and rng.random() < 0.4 else None,
                    avoided_overexertion=(rng.random() < 0.75) if exercised else None,
                )
            )
    made = CrampEpisode.objects.bulk_create(episodes)
    TechniqueTrial.objects.bulk_create(
        TechniqueTrial(episode=episode, technique=technique, outcome=outcome)
        for episode, tried in zip(made, trials, strict=True)
        for technique, outcome in tried
    )
    HydrationEntry.objects.bulk_create(drinks)
    IntakeEntry.objects.bulk_create(intake)
    StretchEntry.objects.bulk_create(stretches)
    ExerciseSession.objects.bulk_create(exercise)
    CheckIn.objects.bulk_create(checkins)
    add_demo_experiment(user, rng, today)
    return {
        "cramps": len(made),
        "techniques tried": sum(map(len, trials)),
        "drinks": len(drinks),
        "food": len(intake),
        "stretches": len(stretches),
        "exercise": len(exercise),
        "check-ins": len(checkins),
    }


def _cramp(user, rng, day, hour, context, guide, episodes, trials, now):
    started = _local(user, day, hour)
    if started > now:
        return
    episodes.append(
        CrampEpisode(
            user=user,
            started_at=started,
            duration_seconds=rng.choice((30, 180, 180, 180, 450, 450, 900)),
            side=rng.choice(("left", "right", "right", "both")),
            muscle=rng.choice(("calf", "calf", "calf", "foot", "hamstring")),
            severity=min(10, max(1, round(rng.gauss(5.5, 2)))),
            context=context,
        )
    )
    tried = rng.sample(guide, min(len(guide), rng.randint(1, 2)))
    outcomes = []
    for technique in tried:
        helps = _HELPS.get(technique.slug, 0.35)
        roll = rng.random()
        outcome = "helped" if roll < helps else rng.choice(("somewhat", "no", ""))
        outcomes.append((technique, outcome))
    trials.append(outcomes)
