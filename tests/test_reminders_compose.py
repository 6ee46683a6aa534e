import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from cramps.models import (
    ExerciseSession,
    FoodItem,
    IntakeEntry,
    ReliefTechnique,
    ReminderDelivery,
    ReminderSchedule,
    RoutineSlot,
    StretchEntry,
)
from cramps.reminders.compose import (
    SUBJECT_MAX,
    compose,
    compose_many,
    evening_start,
    is_quiet,
    one_line,
)
from cramps.reminders.timing import session_key, split_occurrence
from tests.factories import CrampEpisodeFactory, ExerciseSessionFactory, UserFactory

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
# Tuesday 2026-03-10, 21:30 in Berlin (CET, UTC+1): a bedtime reminder's send time.
EVENING = dt.datetime(2026, 3, 10, 21, 30, tzinfo=BERLIN)

pytestmark = pytest.mark.django_db


def _delivery(user, kind="bedtime", occurrence="2026-03-10", due_at=EVENING):
    return ReminderDelivery.objects.create(
        user=user, kind=kind, occurrence=occurrence, due_at=due_at
    )


def _compose_at(when, delivery):
    with time_machine.travel(when, tick=False):
        return compose(delivery, timezone.now())


def _technique(slug="test-calf-stretch", **extra):
    defaults = {
        "name": "Test stretch",
        "kind": ReliefTechnique.Kind.STRETCH,
        "summary": "A stretch",
        "location": "calf",
        "duration_seconds": 60,
        "evidence": "supported",
        "source_url": "https://example.com/",
        "steps": ["Straighten the leg.", "Pull the toes toward the shin."],
    }
    defaults.update(extra)
    return ReliefTechnique.objects.get_or_create(slug=slug, defaults=defaults)[0]


def _stretch(user, at, occasion=StretchEntry.Occasion.BEFORE_BED, technique=None):
    return StretchEntry.objects.create(
        user=user, at=at, technique=technique or _technique(), duration_minutes=3, occasion=occasion
    )


def _intake(user, at, **mg):
    return IntakeEntry.objects.create(user=user, at=at, label="logged", **mg)


def _food(slug, name, portion, **mg):
    return FoodItem.objects.update_or_create(
        slug=slug,
        defaults={"name": name, "portion": portion, "source_url": "https://example.com/", **mg},
    )[0]


# Occurrences and quiet hours, as pure functions


def test_it_reads_the_snooze_number_off_an_occurrence():
    assert split_occurrence("2026-03-10") == ("2026-03-10", 0)
    assert split_occurrence("2026-03-10~snooze-2") == ("2026-03-10", 2)
    assert split_occurrence("routine:4:2026-03-10~snooze-1") == ("routine:4:2026-03-10", 1)


@pytest.mark.parametrize(
    ("start", "end", "now", "quiet"),
    [
        ("22:00", "07:00", "23:30", True),
        ("22:00", "07:00", "03:00", True),
        ("22:00", "07:00", "07:00", False),
        ("22:00", "07:00", "21:59", False),
        ("13:00", "15:00", "14:00", True),
        ("13:00", "15:00", "15:30", False),
        ("13:00", "13:00", "13:00", False),
    ],
)
def test_it_knows_quiet_hours_including_those_spanning_midnight(start, end, now, quiet):
    t = dt.time.fromisoformat
    assert is_quiet(t(start), t(end), t(now)) is quiet


def test_it_has_no_quiet_hours_unless_both_ends_are_set():
    assert not is_quiet(dt.time(22), None, dt.time(23))


def test_tonight_starts_at_the_latest_local_noon():
    assert evening_start(EVENING) == dt.datetime(2026, 3, 10, 12, tzinfo=BERLIN)
    after_midnight = dt.datetime(2026, 3, 11, 0, 20, tzinfo=BERLIN)
    assert evening_start(after_midnight) == dt.datetime(2026, 3, 10, 12, tzinfo=BERLIN)


# Skips common to every kind


def test_it_skips_in_quiet_hours_spanning_midnight_in_the_users_zone():
    user = UserFactory(
        timezone="America/New_York", quiet_hours_start=dt.time(22), quiet_hours_end=dt.time(7)
    )
    delivery = _delivery(user)
    late = _compose_at(dt.datetime(2026, 3, 10, 23, 15, tzinfo=NEW_YORK), delivery)
    assert late.skip_reason == "quiet hours (22:00-07:00)"
    # 21:45 in New York is 02:45 in Berlin: only the user's own wall clock counts.
    before = _compose_at(dt.datetime(2026, 3, 10, 21, 45, tzinfo=NEW_YORK), delivery)
    assert before.skip_reason is None


def test_it_skips_when_the_reminder_kind_is_turned_off(owner):
    ReminderSchedule.objects.create(user=owner, kind="bedtime", enabled=False)
    assert _compose_at(EVENING, _delivery(owner)).skip_reason == "this reminder is turned off"


def test_it_skips_when_neither_channel_is_chosen(owner):
    ReminderSchedule.objects.create(user=owner, kind="bedtime", in_app=False, by_email=False)
    assert "both off" in _compose_at(EVENING, _delivery(owner)).skip_reason


# Bedtime


def test_it_writes_a_plain_bedtime_reminder_when_nothing_is_logged(owner):
    composed = _compose_at(EVENING, _delivery(owner))
    assert composed.skip_reason is None
    assert composed.subject == "Time for your bedtime stretch"
    assert "calves and hamstrings" in composed.text
    assert "night cramp" not in composed.text
    assert "<p>" in composed.html


def test_it_skips_bedtime_when_a_before_bed_stretch_is_logged_tonight(owner):
    _stretch(owner, dt.datetime(2026, 3, 10, 20, 45, tzinfo=BERLIN))
    composed = _compose_at(EVENING, _delivery(owner))
    assert composed.skip_reason == "bedtime stretch already logged tonight"


def test_it_skips_bedtime_when_the_bedtime_routine_is_logged_for_another_occasion(owner):
    routine = _technique(slug="bedtime-routine", kind=ReliefTechnique.Kind.ROUTINE)
    _stretch(owner, dt.datetime(2026, 3, 10, 19, tzinfo=BERLIN), "other", technique=routine)
    assert _compose_at(EVENING, _delivery(owner)).skip_reason is not None


def test_it_still_reminds_after_a_stretch_this_morning_or_last_night(owner):
    _stretch(owner, dt.datetime(2026, 3, 10, 11, 30, tzinfo=BERLIN))
    _stretch(owner, dt.datetime(2026, 3, 9, 22, tzinfo=BERLIN))
    _stretch(owner, dt.datetime(2026, 3, 10, 18, tzinfo=BERLIN), "before_exercise")
    assert _compose_at(EVENING, _delivery(owner)).skip_reason is None


def test_it_counts_a_stretch_before_midnight_for_a_snoozed_reminder_after_midnight(owner):
    _stretch(owner, dt.datetime(2026, 3, 10, 23, 50, tzinfo=BERLIN))
    snoozed = _delivery(owner, occurrence="2026-03-10~snooze-1")
    composed = _compose_at(dt.datetime(2026, 3, 11, 0, 20, tzinfo=BERLIN), snoozed)
    assert composed.skip_reason == "bedtime stretch already logged tonight"


def test_it_names_this_weeks_night_cramps_and_gives_the_routine_steps(owner):
    routine = _technique(slug="bedtime-routine", kind=ReliefTechnique.Kind.ROUTINE)
    for days_ago in (1, 6):
        CrampEpisodeFactory(user=owner, started_at=EVENING - dt.timedelta(days=days_ago))
    # Neither counts: a week and a day ago, and a cramp at rest.
    CrampEpisodeFactory(user=owner, started_at=EVENING - dt.timedelta(days=8))
    CrampEpisodeFactory(user=owner, started_at=EVENING - dt.timedelta(days=2), context="rest")
    composed = _compose_at(EVENING, _delivery(owner))
    assert "You logged 2 night cramps this week" in composed.text
    assert composed.subject == "Bedtime stretch: 2 night cramps this week"
    assert f"1. {routine.steps[0]}" in composed.text
    assert "<ol><li>" in composed.html


def test_its_words_follow_the_users_own_log(owner):
    CrampEpisodeFactory(user=owner, started_at=EVENING - dt.timedelta(days=1))
    one = _compose_at(EVENING, _delivery(owner))
    CrampEpisodeFactory(user=owner, started_at=EVENING - dt.timedelta(days=3))
    two = _compose_at(EVENING, _delivery(owner, occurrence="2026-03-10~snooze-1"))
    assert "You logged 1 night cramp this week" in one.text
    assert "You logged 2 night cramps this week" in two.text


def test_it_suggests_a_food_rich_in_the_most_lacking_mineral(owner):
    _food("test-pumpkin-seeds", "Pumpkin seeds", "1 oz (28 g)", magnesium_mg=900)
    # Potassium 77 % of 2600, calcium 90 % of 1000, magnesium 31 % of 320: magnesium lacks most.
    _intake(
        owner,
        dt.datetime(2026, 3, 10, 13, tzinfo=BERLIN),
        potassium_mg=2000,
        calcium_mg=900,
        magnesium_mg=100,
    )
    composed = _compose_at(EVENING, _delivery(owner))
    assert "Your logged magnesium today: 100 of 320 mg" in composed.text
    assert "Pumpkin seeds, 1 oz (28 g): about 900 mg of magnesium." in composed.text
    assert "effect on cramps is unproven" in composed.text


def test_it_never_suggests_a_supplement_or_more_salt(owner):
    _food("test-potassium-pill", "Potassium pill", "1 tablet", potassium_mg=9000)
    FoodItem.objects.filter(slug="test-potassium-pill").update(kind=FoodItem.Kind.SUPPLEMENT)
    _food("test-banana", "Banana", "1 medium (118 g)", potassium_mg=8000)
    _intake(
        owner,
        dt.datetime(2026, 3, 10, 13, tzinfo=BERLIN),
        potassium_mg=100,
        calcium_mg=1000,
        magnesium_mg=400,
        sodium_mg=0,
    )
    text = _compose_at(EVENING, _delivery(owner)).text
    assert "Banana, 1 medium (118 g): about 8000 mg of potassium." in text
    assert "pill" not in text and "sodium" not in text
    # A potassium-rich food comes with its caution.
    assert "kidney disease" in text and "blood-pressure medicines" in text


def test_it_says_nothing_about_minerals_when_targets_are_met_or_nothing_is_logged(owner):
    _food("test-banana", "Banana", "1 medium (118 g)", potassium_mg=8000)
    assert "mg of" not in _compose_at(EVENING, _delivery(owner)).text
    _intake(
        owner,
        dt.datetime(2026, 3, 10, 13, tzinfo=BERLIN),
        potassium_mg=3000,
        calcium_mg=1000,
        magnesium_mg=400,
    )
    text = _compose_at(EVENING, _delivery(owner, occurrence="2026-03-10~snooze-1")).text
    assert "mg of" not in text


def test_it_sums_minerals_over_the_users_local_day():
    user = UserFactory(timezone="America/New_York")
    _food("test-banana", "Banana", "1 medium (118 g)", potassium_mg=8000)
    evening = dt.datetime(2026, 3, 10, 21, 30, tzinfo=NEW_YORK)
    # 00:30 on the 10th in New York is 05:30 UTC: today. 23:30 on the 9th is yesterday.
    _intake(
        user,
        dt.datetime(2026, 3, 10, 0, 30, tzinfo=NEW_YORK),
        potassium_mg=300,
        calcium_mg=1000,
        magnesium_mg=400,
    )
    _intake(user, dt.datetime(2026, 3, 9, 23, 30, tzinfo=NEW_YORK), potassium_mg=2500)
    text = _compose_at(evening, _delivery(user, due_at=evening)).text
    assert "Your logged potassium today: 300 of 2600 mg" in text


def test_bedtime_never_urges_fluid_volumes_or_quinine(owner):
    _technique(slug="bedtime-routine", kind=ReliefTechnique.Kind.ROUTINE)
    _food("test-banana", "Banana", "1 medium (118 g)", potassium_mg=8000)
    CrampEpisodeFactory(user=owner, started_at=EVENING - dt.timedelta(days=1))
    _intake(owner, dt.datetime(2026, 3, 10, 13, tzinfo=BERLIN), potassium_mg=100)
    text = _compose_at(EVENING, _delivery(owner)).text.lower()
    assert "a few sips of water if you're thirsty" in text
    assert not re.search(r"\d\s*(ml|l|litres?|liters?|glass(es)?|cups?)\b", text)
    assert "drink more" not in text
    assert "quinine" not in text and "tonic" not in text


# Before exercise


def _session(user, **extra):
    extra.setdefault("starts_at", dt.datetime(2026, 3, 10, 18, 30, tzinfo=BERLIN))
    return ExerciseSessionFactory(user=user, **extra)


def test_it_writes_warm_up_stretch_and_drink_to_thirst_before_a_session(owner):
    session = _session(owner, activity="Running")
    delivery = _delivery(owner, "pre_exercise", f"session:{session.pk}")
    composed = _compose_at(dt.datetime(2026, 3, 10, 18, tzinfo=BERLIN), delivery)
    assert composed.subject == "Running at 18:30: warm up and stretch first"
    assert "Warm up for 5 to 10 minutes" in composed.text
    assert "stretch your calves" in composed.text
    assert "Drink to thirst" in composed.text
    assert "cold" not in composed.text
    assert not re.search(r"\d\s*ml", composed.text) and "drink more" not in composed.text.lower()


def test_it_adds_a_keep_warm_note_for_a_cold_weather_session(owner):
    session = _session(owner, cold_weather=True)
    delivery = _delivery(owner, "pre_exercise", f"session:{session.pk}")
    text = _compose_at(dt.datetime(2026, 3, 10, 18, tzinfo=BERLIN), delivery).text
    assert "put warm clothes on as soon as you finish" in text
    assert "traditional advice" in text


def test_a_line_break_in_the_activity_never_reaches_the_subject(owner):
    session = _session(owner, activity="Run\r\nBcc: x@y")
    delivery = _delivery(owner, "pre_exercise", f"session:{session.pk}")
    composed = _compose_at(dt.datetime(2026, 3, 10, 18, tzinfo=BERLIN), delivery)
    assert composed.subject == "Run Bcc: x@y at 18:30: warm up and stretch first"
    assert "Run\r\nBcc: x@y starts at 18:30" in composed.text  # the body keeps what was typed


def test_a_subject_is_one_line_that_fits_the_subject_and_title_columns():
    assert one_line(" Run\t\x0b\x0c\u2028Bcc:\n x@y \r\n") == "Run Bcc: x@y"
    assert SUBJECT_MAX == 200  # ReminderDelivery.subject and Notification.title
    long = one_line("Run " * 100)
    assert len(long) == SUBJECT_MAX and long.endswith("Run…")
    assert one_line("x" * SUBJECT_MAX) == "x" * SUBJECT_MAX


@pytest.mark.parametrize(("status", "word"), [("done", "done"), ("cancelled", "cancelled")])
def test_it_skips_a_session_already_done_or_cancelled(owner, status, word):
    session = _session(owner, status=status)
    delivery = _delivery(owner, "pre_exercise", f"session:{session.pk}~snooze-1")
    composed = _compose_at(dt.datetime(2026, 3, 10, 18, tzinfo=BERLIN), delivery)
    assert composed.skip_reason == f"the session is already {word}"


def test_it_skips_a_deleted_session_or_another_users_session(owner, outsider):
    theirs = _session(outsider)
    delivery = _delivery(owner, "pre_exercise", f"session:{theirs.pk}")
    composed = _compose_at(dt.datetime(2026, 3, 10, 18, tzinfo=BERLIN), delivery)
    assert composed.skip_reason == "the exercise session no longer exists"


def test_it_skips_the_reminder_for_a_sessions_old_time_once_it_has_moved(owner):
    session = _session(owner)
    old = _delivery(owner, "pre_exercise", session_key(session.pk, session.starts_at))
    ExerciseSession.objects.filter(pk=session.pk).update(
        starts_at=session.starts_at + dt.timedelta(hours=2)
    )
    session.refresh_from_db()
    new = _delivery(owner, "pre_exercise", session_key(session.pk, session.starts_at))
    at = dt.datetime(2026, 3, 10, 18, tzinfo=BERLIN)
    assert _compose_at(at, old).skip_reason == "the session was moved to another time"
    assert _compose_at(at, new).subject.endswith("at 20:30: warm up and stretch first")


def test_it_tells_the_user_where_their_exercise_cramps_came(owner):
    base = dt.datetime(2026, 3, 9, 12, tzinfo=BERLIN)
    CrampEpisodeFactory(user=owner, started_at=base, context="during_exercise")
    CrampEpisodeFactory(user=owner, started_at=base - dt.timedelta(days=1), context="asleep")
    CrampEpisodeFactory(
        user=owner, started_at=base - dt.timedelta(days=2), context="during_exercise"
    )
    session = _session(owner)
    delivery = _delivery(owner, "pre_exercise", f"session:{session.pk}")
    text = _compose_at(dt.datetime(2026, 3, 10, 18, tzinfo=BERLIN), delivery).text
    assert "2 of your last 3 cramps came during exercise, in the left calf." in text


def test_its_exercise_history_changes_with_the_log(owner):
    session = _session(owner)
    delivery = _delivery(owner, "pre_exercise", f"session:{session.pk}")
    at = dt.datetime(2026, 3, 10, 18, tzinfo=BERLIN)
    assert "your last" not in _compose_at(at, delivery).text.lower()
    base = dt.datetime(2026, 3, 9, 12, tzinfo=BERLIN)
    CrampEpisodeFactory(
        user=owner, started_at=base, context="after_exercise", side="right", muscle="hamstring"
    )
    assert "Your last cramp came after exercise, in the right hamstring." in (
        _compose_at(at, delivery).text
    )
    for hours in (1, 2):
        CrampEpisodeFactory(
            user=owner,
            started_at=base - dt.timedelta(hours=hours),
            context="during_exercise",
            side="both",
        )
    assert "3 of your last 3 cramps came during or after exercise, most often in both calves." in (
        _compose_at(at, delivery).text
    )


def test_it_writes_a_routine_slot_reminder_in_local_time():
    user = UserFactory(timezone="America/New_York")
    slot = RoutineSlot.objects.create(
        user=user, weekday=1, start_time=dt.time(7, 15), activity="Swimming"
    )
    delivery = _delivery(user, "pre_exercise", f"routine:{slot.pk}:2026-03-10")
    composed = _compose_at(dt.datetime(2026, 3, 10, 6, 45, tzinfo=NEW_YORK), delivery)
    assert composed.subject == "Swimming at 07:15: warm up and stretch first"


def test_it_skips_a_routine_slot_when_a_session_then_was_cancelled(owner):
    slot = RoutineSlot.objects.create(user=owner, weekday=1, start_time=dt.time(18, 30))
    _session(
        owner,
        starts_at=dt.datetime(2026, 3, 10, 18, 45, tzinfo=BERLIN),
        status=ExerciseSession.Status.CANCELLED,
    )
    delivery = _delivery(owner, "pre_exercise", f"routine:{slot.pk}:2026-03-10")
    composed = _compose_at(dt.datetime(2026, 3, 10, 18, tzinfo=BERLIN), delivery)
    assert composed.skip_reason == "the session is already cancelled"


def test_it_escapes_the_users_own_words_in_html(owner):
    session = _session(owner, activity="<b>Run</b>")
    delivery = _delivery(owner, "pre_exercise", f"session:{session.pk}")
    composed = _compose_at(dt.datetime(2026, 3, 10, 18, tzinfo=BERLIN), delivery)
    assert "<b>" not in composed.html
    assert "&lt;b&gt;Run&lt;/b&gt;" in composed.html


def test_it_reads_only_and_never_writes(owner, django_assert_num_queries):
    delivery = _delivery(owner)
    delivery = ReminderDelivery.objects.select_related("user").get(pk=delivery.pk)
    with django_assert_num_queries(5):
        # 1 the schedule, 2 tonight's stretch, 3 this week's night cramps, 4 the day's intake
        # totals, 5 running experiments (tonight's block; added by the experiments branch).
        # Nothing logged, so no routine steps and no food lookup; and no writes.
        _compose_at(EVENING, delivery)


def test_it_passes_on_the_catalogues_note_about_that_mineral(owner):
    _food(
        "test-greens",
        "Test greens",
        "1 cup",
        calcium_mg=5000,
        note="Their calcium is poorly absorbed.",
    )
    _intake(
        owner,
        dt.datetime(2026, 3, 10, 13, tzinfo=BERLIN),
        potassium_mg=2600,
        calcium_mg=100,
        magnesium_mg=320,
    )
    text = _compose_at(EVENING, _delivery(owner)).text
    assert "Test greens, 1 cup: about 5000 mg of calcium. Their calcium is poorly absorbed." in text


def test_a_batch_gets_each_reminders_own_words(owner, outsider):
    """compose_many reads for the whole batch at once; every reminder keeps its own words."""
    _technique(slug="bedtime-routine", kind=ReliefTechnique.Kind.ROUTINE)
    _food("test-pumpkin-seeds", "Pumpkin seeds", "1 oz (28 g)", magnesium_mg=900)
    CrampEpisodeFactory(user=owner, started_at=EVENING - dt.timedelta(days=1))
    _intake(
        owner,
        dt.datetime(2026, 3, 10, 13, tzinfo=BERLIN),
        potassium_mg=3000,
        calcium_mg=1200,
        magnesium_mg=100,
    )
    stretched = UserFactory(timezone="Europe/Berlin")
    _stretch(stretched, dt.datetime(2026, 3, 10, 20, tzinfo=BERLIN))
    quiet = UserFactory(
        timezone="Asia/Tokyo", quiet_hours_start=dt.time(22), quiet_hours_end=dt.time(7)
    )
    session = _session(outsider, activity="Running")
    deliveries = [
        _delivery(owner),
        _delivery(stretched),
        _delivery(quiet),
        _delivery(outsider, "pre_exercise", f"session:{session.pk}"),
        _delivery(outsider, "pre_exercise", "routine:999:2026-03-10"),
    ]
    with time_machine.travel(EVENING, tick=False):
        alone = [compose(d, timezone.now()) for d in deliveries]
        together = compose_many(deliveries, timezone.now())
    assert [together[d.pk] for d in deliveries] == alone
    assert "You logged 1 night cramp this week" in alone[0].text
    assert "Pumpkin seeds" in alone[0].text
    assert alone[1].skip_reason == "bedtime stretch already logged tonight"
    assert alone[2].skip_reason == "quiet hours (22:00-07:00)"
    assert alone[3].subject.startswith("Running at")
    assert alone[4].skip_reason == "the routine slot no longer exists"


def test_a_batch_reports_a_reminder_it_cannot_write_and_writes_the_rest(owner):
    broken = UserFactory(timezone="Europe/Berlin")
    type(broken).objects.filter(pk=broken.pk).update(timezone="Mars/Olympus_Mons")
    deliveries = list(
        ReminderDelivery.objects.select_related("user").filter(
            pk__in=[_delivery(owner).pk, _delivery(broken).pk]
        )
    )
    errors = {}
    with time_machine.travel(EVENING, tick=False):
        composed = compose_many(deliveries, timezone.now(), errors=errors)
    by_user = {d.user_id: d.pk for d in deliveries}
    assert list(errors) == [by_user[broken.pk]]
    assert composed[by_user[owner.pk]].subject == "Time for your bedtime stretch"
