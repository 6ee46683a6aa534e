"""The reminder engine at scale.

1. A throwaway PostgreSQL database gets the relief library (fixtures) and N users (COPY) in eight
   zones from Kiritimati (+14) to Los Angeles, each with a bedtime chosen so that all N reminders
   fall due in the same minute. Their logs make the words personal: a third logged night cramps
   this week (the reminder names them and lists the routine's steps) and half logged minerals
   today (the reminder suggests a food). Nobody has stretched yet, so every reminder is sent in
   full, by email and in the app: none is skipped, which would be cheaper.
2. Dispatch: one `dispatch_due()` call, timed: claims the N schedules, writes N delivery rows,
   advances the schedules, and publishes the sends to Redis in batches (target: <= 10 s).
3. Send: a real `celery worker --pool=solo` process (one process, one thread) drains the queue
   with the in-memory (locmem) email backend, DEBUG off. Its rate counts the reminders it
   finished after its first batch, over the time from that batch's end to the last one's (the
   `finished_at` the worker wrote), so neither its start-up nor this process's polling is
   counted (target: >= 1,000 reminders a second, none failed, all sent). The same code path is
   also timed in this process without a broker, with its SQL queries counted, and with
   `--profile` it is profiled (cProfile, var/bench-profile.txt).
"""

import datetime as dt
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

from benchmarks import throwaway_db

BENCH_DB = "crampless_bench"
QUEUE = "bench-reminders"
ZONES = (
    "Europe/Berlin",
    "America/New_York",
    "Asia/Kathmandu",
    "Pacific/Kiritimati",
    "UTC",
    "Australia/Sydney",
    "Asia/Tokyo",
    "America/Los_Angeles",
)
LIBRARY_FIXTURES = ("techniques", "tips", "red_flags", "foods")
LEAD_MINUTES = 30
# The targets are ratios to floors measured in the same run (absolute figures differ about 2x
# between machines of the same kind).
DISPATCH_RATIO_MAX = 3.0  # dispatch time / the set-based floor's
LINEAR_MAX = 11.0  # dispatching 10x the users takes at most this many times as long
SEND_RATIO_MIN = 0.5  # one worker's rate / rendering the same emails in full into locmem
IN_PROCESS_SENDS = 2000
BASE_DIR = Path(__file__).resolve().parent.parent


def run(
    server_url: str, redis_url: str, users: int, send: int, keep: bool = False, profile=False
) -> int:
    bench_url = throwaway_db.with_database(server_url, BENCH_DB)
    throwaway_db.recreate(server_url, BENCH_DB)
    os.environ.update(
        DJANGO_SETTINGS_MODULE="tracker.settings",
        DATABASE_URL=bench_url,
        REDIS_URL=redis_url,
        CELERY_BROKER_URL=redis_url,
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        LOG_LEVEL="WARNING",
        DEBUG="false",
    )
    os.environ.setdefault("SECRET_KEY", "benchmark-only-not-a-secret")
    os.environ.setdefault("ALLOWED_HOSTS", "localhost")  # required with DEBUG off
    import django

    django.setup()
    from django.db import connections

    redis = _redis(redis_url)
    redis.delete(QUEUE)
    results = []
    try:
        results = _run(users, send, redis, profile)
    finally:
        connections.close_all()
        redis.delete(QUEUE)
        if not keep:
            throwaway_db.drop(server_url, BENCH_DB)
    return 0 if results and all(ok for *_, ok in results if ok is not None) else 1


def _run(users, send, redis, profile):
    from django.conf import settings
    from django.core.management import call_command

    from tracker.celery import app as celery_app

    # The figures are for production settings: DEBUG off (no query log kept in memory).
    assert not settings.DEBUG, "the benchmark runs with DEBUG off"
    # This run's own queue: a developer's worker on the same Redis never takes these messages.
    celery_app.conf.task_routes = {"cramps.tasks.send_*": {"queue": QUEUE}}
    call_command("migrate", verbosity=0)
    call_command("loaddata", *LIBRARY_FIXTURES, verbosity=0)

    from cramps.models import ReminderDelivery
    from cramps.reminders import dispatch

    # Linearity: a tenth of the users first (prefix "small"), then all of them; each run has its
    # own floor, measured on the same rows just before it.
    small = _dispatch_round(max(users // 10, 1), "small")
    rows = [small["create"], small["row"]]
    big = _dispatch_round(users, "bench", profile=profile)
    rows += [big["create"], big["row"]]
    messages = redis.llen(QUEUE)

    in_process = _send_in_process(ReminderDelivery, dispatch, skip=0, profile=profile)
    engine_only = _send_engine_only(ReminderDelivery, dispatch)
    floor = _send_floor(ReminderDelivery, skip=2 * IN_PROCESS_SENDS)
    worker = _send_with_worker(send)

    _print(rows, big, small, messages, in_process, engine_only, floor, worker)
    ratios_ok = (
        big["ratio"] <= DISPATCH_RATIO_MAX
        and big["seconds"] <= LINEAR_MAX * small["seconds"]
        and worker["rate"] >= SEND_RATIO_MIN * floor["rate"]
    )
    return [*rows, worker["row"], ("ratios", 0, 0, ratios_ok)]


def _dispatch_round(users, prefix, profile=False):
    """Create `users` due now; time the floor (rolled back), then the dispatcher on those rows."""
    from django.db import connection

    from cramps import tasks
    from cramps.reminders import dispatch

    started = time.perf_counter()
    due = _create_users(users, prefix)
    create = (
        f"create {users:,} users, schedules, logs (COPY)",
        users,
        time.perf_counter() - started,
        None,
    )
    floor = _dispatch_floor(due)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # the floor's rolled-back rows cost the dispatcher nothing
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    started = time.perf_counter()
    report = dispatch.dispatch_due()
    seconds = time.perf_counter() - started
    if profiler is not None:
        from django.conf import settings

        profiler.disable()
        _write_profile(profiler, settings.VAR_DIR / "bench-dispatch-profile.txt")
    started = time.perf_counter()
    tasks.publish(report)
    publish = time.perf_counter() - started
    ok = report.created == users and report.queued == users
    ratio = seconds / floor
    row = (f"dispatch {users:,}: claim, write, advance", users, seconds, ok)
    return {
        "create": create,
        "row": row,
        "report": report,
        "seconds": seconds,
        "floor": floor,
        "ratio": ratio,
        "publish": publish,
        "due": due,
    }


def _dispatch_floor(due) -> float:
    """The same delivery rows and schedule updates, written set-based: one INSERT ... SELECT and
    one UPDATE on the same database, in a transaction rolled back afterwards."""
    from django.db import connection, transaction
    from django.utils import timezone

    from cramps.models import ReminderDelivery, ReminderSchedule

    delivery = ReminderDelivery._meta.db_table
    schedule = ReminderSchedule._meta.db_table
    now = timezone.now()
    due_now = "enabled AND next_due_at IS NOT NULL AND next_due_at <= %s"

    class Rollback(Exception):
        pass

    started = time.perf_counter()
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {delivery} (user_id, kind, occurrence, due_at, status, attempts, "
                "detail, subject, body, queued_at, created_at) "
                f"SELECT user_id, kind, next_occurrence, next_due_at, 'pending', 0, '', '', '', "
                f"%s, %s FROM {schedule} WHERE {due_now} ON CONFLICT DO NOTHING",
                [now, now, now],
            )
            cursor.execute(
                f"UPDATE {schedule} SET next_due_at = next_due_at + interval '1 day', "
                f"next_occurrence = next_occurrence || '+1' WHERE {due_now}",
                [now],
            )
            took = time.perf_counter() - started
            raise Rollback
    except Rollback:
        pass
    return took


def _create_users(count: int, prefix: str = "bench") -> dt.datetime:
    """COPY users, their two schedules and their logs; the bedtime reminders all fall due at
    `due`."""
    from django.db import connection
    from django.utils import timezone

    from cramps.models import CrampEpisode, IntakeEntry, ReminderSchedule, User
    from cramps.models.reminders import ReminderKind
    from cramps.reminders import timing

    due = timezone.now().replace(second=0, microsecond=0)
    plans = {}
    for name in ZONES:
        zone = ZoneInfo(name)
        bedtime = (due + dt.timedelta(minutes=LEAD_MINUTES)).astimezone(zone).time()
        occurrence = timing.next_bedtime(zone, bedtime, LEAD_MINUTES, due - dt.timedelta(minutes=1))
        assert occurrence.due_at == due, (name, occurrence)
        plans[name] = (bedtime, occurrence.key)

    now = timezone.now()

    def user_row(n):
        zone = ZONES[n % len(ZONES)]
        return {
            "username": f"{prefix}{n}",
            "email": f"{prefix}{n}@example.com",
            "password": "!",  # unusable: nobody logs in
            "date_joined": now,
            "timezone": zone,
            "bedtime": plans[zone][0],
        }

    _copy(connection, User, (user_row(n) for n in range(count)))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, timezone FROM {User._meta.db_table} WHERE username LIKE %s ORDER BY id",
            [f"{prefix}%"],
        )
        users = cursor.fetchall()

    def schedule_rows():
        for user_id, zone in users:
            yield {
                "user_id": user_id,
                "kind": ReminderKind.BEDTIME,
                "lead_minutes": LEAD_MINUTES,
                "next_due_at": due,
                "next_occurrence": plans[zone][1],
            }
            yield {"user_id": user_id, "kind": ReminderKind.PRE_EXERCISE}

    _copy(connection, ReminderSchedule, schedule_rows())

    stamps = {"created_at": now, "updated_at": now}

    def night_cramps():
        # A third of the users: two night cramps this week, one last month (not counted).
        for user_id, _zone in users[::3]:
            for days in (1, 3, 30):
                yield {
                    "user_id": user_id,
                    "started_at": due - dt.timedelta(days=days, hours=3),
                    "duration_seconds": 90,
                    "side": CrampEpisode.Side.LEFT,
                    "muscle": CrampEpisode.Muscle.CALF,
                    "severity": 6,
                    "context": CrampEpisode.Context.ASLEEP,
                    **stamps,
                }

    def intake():
        # Half of the users logged minerals today, below their targets: a food is suggested.
        for user_id, _zone in users[::2]:
            yield {
                "user_id": user_id,
                "at": due - dt.timedelta(hours=2),
                "label": "Lunch",
                "potassium_mg": 1200,
                "calcium_mg": 700,
                "magnesium_mg": 90,
                "sodium_mg": 900,
                **stamps,
            }

    _copy(connection, CrampEpisode, night_cramps())
    _copy(connection, IntakeEntry, intake())
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return due


def _copy(connection, model, rows) -> None:
    """COPY rows (dicts of attname -> value) into the model's table; model defaults elsewhere."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    defaults = {f.attname: f.get_default() for f in fields}
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor:
        sql = f"COPY {model._meta.db_table} ({columns}) FROM STDIN"
        with cursor.cursor.copy(sql) as copy:
            for row in rows:
                values = {**defaults, **row}
                copy.write_row([values[f.attname] for f in fields])


def _send_engine_only(ReminderDelivery, dispatch):
    """The engine's own cost: the same path with the message content fixed and one plain locmem
    email per reminder instead of compose/channels (part 2's code, measured separately)."""
    from django.core.mail import EmailMessage

    from cramps.reminders import channels, compose

    fixed = compose.Composed(None, "Time for your bedtime stretch", "Stretch.", "<p>Stretch.</p>")

    def compose_many(deliveries, now, errors=None, schedules=None):
        return {delivery.pk: fixed for delivery in deliveries}

    def deliver_many(pairs, **options):
        for delivery, composed in pairs:
            EmailMessage(composed.subject, composed.text, to=[delivery.user.email]).send()
        return {}

    saved = compose.compose_many, channels.deliver_many
    compose.compose_many, channels.deliver_many = compose_many, deliver_many
    try:
        return _send_in_process(ReminderDelivery, dispatch, skip=IN_PROCESS_SENDS)
    finally:
        compose.compose_many, channels.deliver_many = saved


def _send_in_process(ReminderDelivery, dispatch, skip, profile=False):
    """The worker's code path without a broker, on the newest rows (the worker drains the oldest
    first): rate and SQL queries per reminder; with `profile`, where the time goes."""
    from django.conf import settings
    from django.core import mail
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ids = list(
        ReminderDelivery.objects.order_by("-id").values_list("id", flat=True)[
            skip : skip + IN_PROCESS_SENDS
        ]
    )
    batch = dispatch.SEND_BATCH
    with CaptureQueriesContext(connection) as queries:
        dispatch.send_batch(ids[:batch])
    mail.outbox = []
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    started = time.perf_counter()
    results = {}
    for start in range(batch, len(ids), batch):  # what the worker does with each message
        results.update(dispatch.send_batch(ids[start : start + batch]))
    took = time.perf_counter() - started
    if profiler is not None:
        profiler.disable()
        _write_profile(profiler, settings.VAR_DIR / "bench-profile.txt")
    sent = sum(1 for r in results.values() if r.outcome is dispatch.Outcome.SENT)
    emails = len(mail.outbox)
    mail.outbox = []
    return {
        "count": len(results),
        "seconds": took,
        "sent": sent,
        "emails": emails,
        "queries": len(queries) / batch,
        "batch_queries": len(queries),
    }


def _write_profile(profiler, path):
    import io
    import pstats

    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    stats.sort_stats("cumulative").print_stats(60)
    stats.sort_stats("tottime").print_stats(40)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(out.getvalue())


def _send_with_worker(count):
    """Start one worker process, let it send at least `count` reminders, and time it from the end
    of its first batch to the end of its last (the `finished_at` it wrote)."""
    from django.conf import settings
    from django.db.models import Count, Max, Min, Q
    from django.utils import timezone

    from cramps.models import Notification, ReminderDelivery

    label = "send: one worker process (solo)"
    started = timezone.now()
    mine = ReminderDelivery.objects.filter(finished_at__gte=started)
    command = [sys.executable, "-m", "celery", "-A", "tracker", "worker", "--pool=solo"]
    command += ["--concurrency=1", "-Q", QUEUE, "--loglevel=warning"]
    command += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
    settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
    with open(settings.VAR_DIR / "bench-worker.log", "w") as log:
        worker = subprocess.Popen(
            command, env=os.environ.copy(), cwd=settings.BASE_DIR, stdout=log, stderr=log
        )
    try:
        deadline = time.monotonic() + max(90, count / 100)
        while mine.count() < count and time.monotonic() < deadline and worker.poll() is None:
            time.sleep(0.5)
    finally:
        worker.terminate()
        worker.wait(timeout=30)

    first, last = mine.aggregate(first=Min("finished_at"), last=Max("finished_at")).values()
    summary = mine.aggregate(
        total=Count("id"),
        after_first=Count("id", filter=Q(finished_at__gt=first)) if first else Count("id"),
        sent=Count("id", filter=Q(status=ReminderDelivery.Status.SENT)),
        failed=Count("id", filter=Q(status=ReminderDelivery.Status.FAILED)),
        emailed=Count("id", filter=Q(email_sent_at__isnull=False)),
        cramps=Count("id", filter=Q(body__contains="night cramps this week")),
        food=Count("id", filter=Q(body__contains="For a snack or for tomorrow")),
    )
    summary["notices"] = Notification.objects.filter(delivery__in=mine).count()
    summary["retried"] = ReminderDelivery.objects.filter(
        status=ReminderDelivery.Status.PENDING, attempts__gt=0
    ).count()
    seconds = (last - first).total_seconds() if first and last and last > first else float("nan")
    rate = summary["after_first"] / seconds if seconds == seconds else 0.0
    whole = summary["total"] >= count and summary["sent"] == summary["total"]
    complete = whole and summary["emailed"] == summary["notices"] == summary["total"]
    ok = complete and summary["failed"] == 0
    return {"row": (label, summary["after_first"], seconds, ok), "rate": rate, **summary}


def _send_floor(ReminderDelivery, skip):
    """The floor for sending: the same emails rendered in full (subject, text, HTML, by the
    engine) and handed to the in-memory backend, in this process, with no database and no broker
    in the timed part (the deliveries and their words are read before the clock starts)."""
    from django.core import mail
    from django.template.loader import get_template
    from django.utils import timezone

    from cramps.reminders import channels, compose

    deliveries = list(
        ReminderDelivery.objects.select_related("user").order_by("-id")[
            skip : skip + IN_PROCESS_SENDS
        ]
    )
    words = compose.compose_many(deliveries, timezone.now())
    templates = {part: get_template(name) for part, name in channels.TEMPLATES.items()}
    connection = mail.get_connection()
    started = time.perf_counter()
    for delivery in deliveries:
        message = channels.render_email(delivery, words[delivery.pk], templates, connection)
        connection.send_messages([message])
    took = time.perf_counter() - started
    mail.outbox = []
    return {"count": len(deliveries), "seconds": took, "rate": len(deliveries) / took}


def _print(rows, big, small, messages, in_process, engine_only, floor, worker):
    from django.conf import settings

    from cramps.reminders.dispatch import SEND_BATCH

    cpu = _cpu_model()
    report = big["report"]
    print()
    print("Crampless reminder engine benchmark")
    print(f"  machine: {os.cpu_count()} CPUs, {cpu}, Python {platform.python_version()}")
    print(f"  PostgreSQL {_pg_version()}, Redis {_redis_version()}")
    print(
        f"  DEBUG {settings.DEBUG}, email backend {settings.EMAIL_BACKEND.rsplit('.', 2)[-2]}, "
        f"{SEND_BATCH} reminders per send message"
    )
    print()
    header = f"  {'step':50} {'count':>9} {'seconds':>9} {'per second':>11}"
    print(header)
    print("  " + "-" * (len(header) - 2))
    for label, count, seconds, _ok in rows:
        _line(label, count, seconds)
    for round_ in (small, big):
        _line("  floor: one INSERT ... SELECT, one UPDATE", round_["row"][1], round_["floor"])
        _line(f"  publish ({round_['report'].queued:,} ids)", round_["row"][1], round_["publish"])
    _line("send floor: render in full into locmem, no DB", floor["count"], floor["seconds"])
    for label, figures in (
        ("send: engine only, in process", engine_only),
        ("send: full path, in process", in_process),
    ):
        _line(f"{label} ({figures['queries']:.2f} SQL each)", figures["count"], figures["seconds"])
    _line(*worker["row"][:3])
    print()
    linear = big["seconds"] / small["seconds"]
    send_ratio = worker["rate"] / floor["rate"]
    for label, value, target, ok in (
        (
            "dispatch / floor",
            big["ratio"],
            f"<= {DISPATCH_RATIO_MAX:g}x",
            big["ratio"] <= DISPATCH_RATIO_MAX,
        ),
        (
            f"dispatch {big['row'][1]:,} / {small['row'][1]:,}",
            linear,
            f"<= {LINEAR_MAX:g}x",
            linear <= LINEAR_MAX,
        ),
        (
            "one worker's rate / send floor",
            send_ratio,
            f">= {SEND_RATIO_MIN:g}x",
            send_ratio >= SEND_RATIO_MIN,
        ),
    ):
        print(f"  {label:50} {value:>8.2f}x  target {target:8} {'PASS' if ok else 'FAIL'}")
    print(f"  (the small round: dispatch / floor {small['ratio']:.2f}x)")
    print()
    print(
        f"  dispatch: {report.claimed:,} schedules claimed, {report.created:,} deliveries written, "
        f"{report.queued:,} sends published in {messages:,} messages (both rounds), "
        f"{report.stale} stale, {report.unpublished} unpublished"
    )
    print(
        f"  in process: {in_process['batch_queries']} SQL queries per batch of {SEND_BATCH}; "
        f"{in_process['sent']:,} sent, {in_process['emails']:,} emails"
    )
    print(
        f"  worker: {worker['total']:,} finished ({worker['after_first']:,} timed, after its "
        f"first batch): {worker['sent']:,} sent, {worker['failed']} failed, "
        f"{worker['retried']} waiting to retry; {worker['emailed']:,} emailed, "
        f"{worker['notices']:,} in-app notices; {worker['cramps']:,} named this week's night "
        f"cramps, {worker['food']:,} suggested a food; log in var/bench-worker.log"
    )
    print()


def _line(label, count, seconds):
    rate = count / seconds if seconds and seconds == seconds else float("nan")
    print(f"  {label:50} {count:>9,} {seconds:>9.2f} {rate:>11,.0f}")


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def _pg_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return cursor.fetchone()[0].split()[0]


def _redis(url):
    from redis import Redis

    return Redis.from_url(url)


def _redis_version() -> str:
    from django.conf import settings

    return _redis(settings.REDIS_URL).info("server")["redis_version"]
