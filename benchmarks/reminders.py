"""The reminder engine at scale.

1. A throwaway PostgreSQL database gets N users (COPY) in eight zones from Kiritimati (+14) to
   Los Angeles, each with a bedtime chosen so that all N reminders fall due in the same minute.
2. Dispatch: one `dispatch_due()` call, timed: claims the N schedules, writes N delivery rows,
   advances the schedules, and publishes the sends to Redis in batches (target: <= 10 s).
3. Send: a real `celery worker --pool=solo` process (one process, one thread) drains the queue
   with the in-memory (locmem) email backend; the rate is measured from its first finished
   reminder, so its start-up is not counted (target: >= 1,000 reminders a second). The same code
   path is also timed in this process without a broker, with its SQL queries counted.
"""

import datetime as dt
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo

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
LEAD_MINUTES = 30
DISPATCH_TARGET_S = 10.0
SEND_TARGET_PER_S = 1000.0
IN_PROCESS_SENDS = 2000
BASE_DIR = Path(__file__).resolve().parent.parent


def run(server_url: str, redis_url: str, users: int, send: int, keep: bool = False) -> int:
    bench_url = _with_database(server_url, BENCH_DB)
    _recreate_database(server_url)
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
    import django

    django.setup()
    from django.db import connections

    redis = _redis(redis_url)
    redis.delete(QUEUE)
    results = []
    try:
        results = _run(users, send, redis_url, redis)
    finally:
        connections.close_all()
        redis.delete(QUEUE)
        if not keep:
            _drop_database(server_url)
    return 0 if all(ok for *_, ok in results if ok is not None) else 1


def _run(users, send, redis_url, redis):
    from django.core.management import call_command

    from tracker.celery import app as celery_app

    # This run's own queue: a developer's worker on the same Redis never takes these messages.
    celery_app.conf.task_routes = {"cramps.tasks.send_*": {"queue": QUEUE}}
    call_command("migrate", verbosity=0)

    rows = []
    started = time.perf_counter()
    due = _create_users(users)
    rows.append(("create users + schedules (COPY)", users, time.perf_counter() - started, None))

    from cramps.models import ReminderDelivery
    from cramps.reminders import dispatch

    started = time.perf_counter()
    report = dispatch.dispatch_due()
    took = time.perf_counter() - started
    ok = took <= DISPATCH_TARGET_S and report.created == users and report.queued == users
    rows.append(("dispatch: claim, write, advance, publish", users, took, ok))
    messages = redis.llen(QUEUE)

    in_process = _send_in_process(ReminderDelivery, dispatch, skip=0)
    engine_only = _send_engine_only(ReminderDelivery, dispatch)
    worker = _send_with_worker(send, redis_url)

    _print(rows, report, messages, due, in_process, engine_only, worker)
    return rows + [worker[:4]]


def _create_users(count: int) -> dt.datetime:
    """COPY users and their two schedules; the bedtime reminders all fall due at `due`."""
    from django.db import connection
    from django.utils import timezone

    from cramps.models import ReminderSchedule, User
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
            "username": f"bench{n}",
            "email": f"bench{n}@example.com",
            "password": "!",  # unusable: nobody logs in
            "date_joined": now,
            "timezone": zone,
            "bedtime": plans[zone][0],
        }

    _copy(connection, User, (user_row(n) for n in range(count)))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, timezone FROM {User._meta.db_table}")
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

    def deliver(delivery, composed):
        EmailMessage(composed.subject, composed.text, to=[delivery.user.email]).send()

    saved = compose.compose, channels.deliver
    compose.compose, channels.deliver = (lambda delivery, now: fixed), deliver
    try:
        return _send_in_process(ReminderDelivery, dispatch, skip=IN_PROCESS_SENDS)
    finally:
        compose.compose, channels.deliver = saved


def _send_in_process(ReminderDelivery, dispatch, skip):
    """The worker's code path without a broker, on the newest rows (the worker drains the oldest
    first): rate and SQL queries per reminder."""
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
    started = time.perf_counter()
    results = {}
    for start in range(batch, len(ids), batch):  # what the worker does with each message
        results.update(dispatch.send_batch(ids[start : start + batch]))
    took = time.perf_counter() - started
    sent = sum(1 for r in results.values() if r.outcome is dispatch.Outcome.SENT)
    return {"count": len(results), "seconds": took, "sent": sent, "queries": len(queries) / batch}


def _send_with_worker(count, redis_url):
    """Start one worker process and time it sending `count` reminders after its first one."""
    from django.conf import settings

    from cramps.models import ReminderDelivery

    done = ReminderDelivery.objects.exclude(
        status__in=[ReminderDelivery.Status.PENDING, ReminderDelivery.Status.SENDING]
    )
    baseline = done.count()
    command = [sys.executable, "-m", "celery", "-A", "tracker", "worker", "--pool=solo"]
    command += ["--concurrency=1", "-Q", QUEUE, "--loglevel=warning"]
    command += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
    settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
    with open(settings.VAR_DIR / "bench-worker.log", "w") as log:
        worker = subprocess.Popen(
            command, env=os.environ.copy(), cwd=settings.BASE_DIR, stdout=log, stderr=log
        )
    try:
        deadline = time.monotonic() + 60
        while (n0 := done.count()) <= baseline:
            if time.monotonic() > deadline or worker.poll() is not None:
                return ("send: one worker process (solo)", count, float("nan"), False, 0.0)
            time.sleep(0.05)
        t0 = time.perf_counter()
        deadline = time.monotonic() + max(60, count / 100)
        while (n1 := done.count()) < n0 + count and time.monotonic() < deadline:
            time.sleep(0.1)
        took = time.perf_counter() - t0
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    rate = (n1 - n0) / took
    failed = ReminderDelivery.objects.filter(status=ReminderDelivery.Status.FAILED).count()
    ok = rate >= SEND_TARGET_PER_S and failed == 0
    return ("send: one worker process (solo)", n1 - n0, took, ok, failed)


def _print(rows, report, messages, due, in_process, engine_only, worker):
    cpu = _cpu_model()
    print()
    print("Crampless reminder engine benchmark")
    print(f"  machine: {os.cpu_count()} CPUs, {cpu}, Python {platform.python_version()}")
    print(f"  PostgreSQL {_pg_version()}, Redis {_redis_version()}; all due at {due:%H:%M} UTC")
    print()
    header = f"  {'step':50} {'count':>9} {'seconds':>9} {'per second':>11}  target"
    print(header)
    print("  " + "-" * (len(header) - 2))
    targets = {1: f"<= {DISPATCH_TARGET_S:g} s", 3: f">= {SEND_TARGET_PER_S:,.0f}/s"}
    for index, (label, count, seconds, ok) in enumerate([*rows, worker[:4]]):
        if index == 2:
            for label_, figures in (
                ("send: engine only, in process", engine_only),
                ("send: full path, in process", in_process),
            ):
                label_ += f" ({figures['queries']:.1f} SQL each)"
                _line(label_, figures["count"], figures["seconds"], None, "")
        verdict = "" if ok is None else ("PASS" if ok else "FAIL")
        _line(label, count, seconds, ok, f"{targets.get(index, '')} {verdict}".strip())
    print()
    print(
        f"  dispatch: {report.claimed:,} schedules claimed, {report.created:,} deliveries written, "
        f"{report.queued:,} sends published in {messages:,} messages, {report.stale} stale, "
        f"{report.unpublished} unpublished"
    )
    print(f"  worker: {worker[4]} failed deliveries; log in var/bench-worker.log")
    print()


def _line(label, count, seconds, ok, target):
    rate = count / seconds if seconds and seconds == seconds else float("nan")
    print(f"  {label:50} {count:>9,} {seconds:>9.2f} {rate:>11,.0f}  {target}")


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


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}", query=""))


def _maintenance(url: str):
    import psycopg

    return psycopg.connect(_with_database(url, "postgres"), autocommit=True)


def _recreate_database(url: str) -> None:
    with _maintenance(url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{BENCH_DB}"')


def _drop_database(url: str) -> None:
    with _maintenance(url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
