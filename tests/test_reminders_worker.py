"""End to end with a real Celery worker process on Redis and PostgreSQL.

The worker is a subprocess reading the test database (committed rows: `transactional_db`) and a
queue of this test's own on Redis, so it never takes another run's messages. Locally the test
skips without Redis or PostgreSQL; under CI=true it fails instead.
"""

import contextlib
import datetime as dt
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone
from redis import Redis

from cramps import tasks
from cramps.models import Notification, ReminderDelivery
from cramps.models.reminders import ReminderKind
from cramps.reminders import dispatch
from cramps.reminders.schedule import refresh_schedules
from tests.factories import UserFactory
from tracker.celery import app as celery_app

pytestmark = [pytest.mark.redis, pytest.mark.postgres]

Status = ReminderDelivery.Status
FINISHED = (Status.SENT, Status.FAILED, Status.SKIPPED)
BINDINGS = "_kombu.binding*"


def database_url() -> str:
    db = settings.DATABASES["default"]  # during the test: the test database
    auth = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{auth}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


@contextlib.contextmanager
def own_queue(redis_url):
    """Route the reminder tasks to a queue of their own; on leaving, delete that queue and the
    binding keys kombu wrote while inside (for it, and for the worker's control queue), never
    keys that were there before."""
    name = f"test-reminders-{uuid.uuid4().hex[:8]}"
    redis = Redis.from_url(redis_url)
    before = set(redis.scan_iter(match=BINDINGS))
    amqp = celery_app.amqp
    saved = celery_app.conf.task_routes, celery_app.conf.task_always_eager

    def reroute():
        amqp._rtable = None
        amqp.__dict__.pop("router", None)

    celery_app.conf.task_routes = {"cramps.tasks.send_*": {"queue": name}}
    celery_app.conf.task_always_eager = False
    reroute()
    try:
        yield name
    finally:
        celery_app.conf.task_routes, celery_app.conf.task_always_eager = saved
        reroute()
        ours = {f"_kombu.binding.{name}", f"_kombu.binding_permanent.{name}"}
        redis.delete(name, *ours, *(set(redis.scan_iter(match=BINDINGS)) - before))


@pytest.fixture
def test_queue(requires_redis):
    # Left after the worker has stopped (the worker fixture is torn down first).
    with own_queue(requires_redis) as name:
        yield name


def test_it_leaves_no_keys_of_its_own_in_redis(requires_redis):
    redis = Redis.from_url(requires_redis)
    theirs = f"_kombu.binding.someone-else-{uuid.uuid4().hex[:8]}"
    redis.sadd(theirs, "there before")
    try:
        with own_queue(requires_redis) as name:
            # What a worker consuming the queue leaves behind.
            made = [name, f"_kombu.binding.{name}", f"_kombu.binding_permanent.{name}"]
            made.append(f"_kombu.binding.{name}.pidbox")
            for key in made:
                redis.sadd(key, "x")
        assert not any(redis.exists(key) for key in made)
        assert redis.exists(theirs)
    finally:
        redis.delete(theirs)


@pytest.fixture
def start_worker(requires_postgres, requires_redis, test_queue, transactional_db, tmp_path):
    """Starts real worker processes (one at a time) with the given email backend; each writes
    the emails it hands over into `start_worker.mail_dir` when the backend is one of ours."""
    started = []
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()

    def start(backend="django.core.mail.backends.locmem.EmailBackend"):
        log = tmp_path / f"worker{len(started)}.log"
        env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "REDIS_URL": requires_redis,
            "EMAIL_BACKEND": backend,
            "TEST_MAIL_DIR": str(mail_dir),
            "CELERY_TASK_ALWAYS_EAGER": "false",
        }
        command = [sys.executable, "-m", "celery", "-A", "tracker", "worker", "--pool=solo"]
        command += ["--concurrency=1", "-Q", test_queue, "--loglevel=info"]
        command += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
        with open(log, "w") as out:
            process = subprocess.Popen(
                command, env=env, cwd=settings.BASE_DIR, stdout=out, stderr=subprocess.STDOUT
            )
        process.log = log
        started.append(process)
        return process

    start.mail_dir = mail_dir
    yield start
    for process in started:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture
def worker(start_worker):
    return start_worker()


class WritingBackend(BaseEmailBackend):
    """Hands each email over by writing it to a file in TEST_MAIL_DIR: emails that left a worker
    process, countable from the test."""

    def send_messages(self, messages):
        for message in messages:
            name = f"{uuid.uuid4().hex}.eml"
            (Path(os.environ["TEST_MAIL_DIR"]) / name).write_bytes(message.message().as_bytes())
        return len(messages)


class DiesBeforeHandOver(WritingBackend):
    """The worker is SIGKILLed as it opens the mail connection: before the hand-over mark."""

    def open(self):
        os.kill(os.getpid(), signal.SIGKILL)


class DiesAfterHandOver(WritingBackend):
    """The mail server takes the email, then the worker is SIGKILLed before it records that."""

    def send_messages(self, messages):
        sent = super().send_messages(messages)
        os.kill(os.getpid(), signal.SIGKILL)
        return sent


def wait_until_finished(delivery_id, worker, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        delivery = ReminderDelivery.objects.get(pk=delivery_id)
        if delivery.status in FINISHED:
            return delivery
        assert worker.poll() is None, f"worker exited:\n{worker.log.read_text()}"
        time.sleep(0.2)
    pytest.fail(f"delivery still {delivery.status} after {timeout} s:\n{worker.log.read_text()}")


def test_a_real_worker_delivers_a_due_reminder_exactly_once(worker):
    user = UserFactory(password=None, timezone="Asia/Kathmandu")
    # Bedtime ten minutes from now with a 30-minute lead: the reminder is due at once.
    user.bedtime = (timezone.now().astimezone(user.tz) + dt.timedelta(minutes=10)).time()
    user.save()
    refresh_schedules(user)

    first = tasks.dispatch_and_publish()
    second = tasks.dispatch_and_publish()  # beat ran twice in the same minute
    assert (first.created, first.queued, second.created, second.queued) == (1, 1, 0, 0)

    delivery = wait_until_finished(ReminderDelivery.objects.get(user=user).pk, worker)
    assert (delivery.status, delivery.attempts) == (Status.SENT, 1), delivery.detail

    # The broker delivers the same batch again; then a snooze is queued behind it. The solo
    # worker runs them in order: once the snooze is sent, the duplicate has been handled.
    celery_app.send_task("cramps.tasks.send_reminders", ([delivery.pk],))
    snooze = ReminderDelivery.objects.create(
        user=user,
        kind=ReminderKind.BEDTIME,
        occurrence=f"{delivery.occurrence}~snooze-1",
        due_at=timezone.now(),
    )
    assert tasks.dispatch_and_publish().queued == 1
    assert wait_until_finished(snooze.pk, worker).status == Status.SENT

    delivery.refresh_from_db()
    assert delivery.attempts == 1
    assert ReminderDelivery.objects.filter(user=user, occurrence=delivery.occurrence).count() == 1
    assert Notification.objects.filter(user=user).count() == 2  # the reminder and its snooze
    assert Notification.objects.filter(delivery=delivery).count() == 1


def _due_now():
    user = UserFactory(password=None, timezone="Asia/Kathmandu")
    # Bedtime ten minutes from now with a 30-minute lead: the reminder is due at once.
    user.bedtime = (timezone.now().astimezone(user.tz) + dt.timedelta(minutes=10)).time()
    user.save()
    refresh_schedules(user)
    assert tasks.dispatch_and_publish().queued == 1
    return ReminderDelivery.objects.get(user=user)


def wait_until_dead(worker, timeout=20.0):
    try:
        worker.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        pytest.fail(f"the worker did not die:\n{worker.log.read_text()}")
    assert worker.returncode == -signal.SIGKILL, worker.log.read_text()


def emails_in(folder) -> int:
    return len(list(folder.glob("*.eml")))


def test_a_worker_killed_before_the_hand_over_is_found_and_the_reminder_sent_once(start_worker):
    delivery = _due_now()
    wait_until_dead(start_worker(f"{__name__}.DiesBeforeHandOver"))
    delivery.refresh_from_db()
    assert (delivery.status, delivery.handing_to_mail_server_at) == (Status.SENDING, None)
    # The in-app notice did not wait for the email.
    assert Notification.objects.filter(delivery=delivery).count() == 1

    # The next beat tick that is INTERRUPTED_AFTER later finds it and sends it again at once.
    later = timezone.now() + dispatch.INTERRUPTED_AFTER + dt.timedelta(seconds=1)
    report = tasks.dispatch_and_publish(now=later)
    assert (report.resumed, report.interrupted, report.queued) == (1, 0, 1)
    worker = start_worker(f"{__name__}.WritingBackend")
    delivery = wait_until_finished(delivery.pk, worker)
    assert (delivery.status, delivery.attempts) == (Status.SENT, 2), delivery.detail
    assert emails_in(start_worker.mail_dir) == 1
    assert Notification.objects.filter(delivery=delivery).count() == 1


def test_a_worker_killed_after_the_hand_over_never_sends_the_reminder_again(start_worker):
    delivery = _due_now()
    wait_until_dead(start_worker(f"{__name__}.DiesAfterHandOver"))
    assert emails_in(start_worker.mail_dir) == 1
    delivery.refresh_from_db()
    assert delivery.status == Status.SENDING
    assert delivery.handing_to_mail_server_at is not None

    later = timezone.now() + dispatch.INTERRUPTED_AFTER + dt.timedelta(seconds=1)
    report = tasks.dispatch_and_publish(now=later)
    assert (report.resumed, report.interrupted, report.queued) == (0, 1, 0)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.detail) == (Status.FAILED, dispatch.INTERRUPTED)
    # A worker running on finds nothing to send: the email went out once, the notice once.
    start_worker(f"{__name__}.WritingBackend")
    assert tasks.dispatch_and_publish(now=later + dt.timedelta(minutes=1)).queued == 0
    time.sleep(2)
    assert emails_in(start_worker.mail_dir) == 1
    assert Notification.objects.filter(delivery=delivery).count() == 1
