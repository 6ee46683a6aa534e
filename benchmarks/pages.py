"""`python -m benchmarks.pages`: the main pages against a bare Django view, over HTTP.

The bars (issue 7), each a page's requests per second against a bare view (a tiny HttpResponse)
behind the same middleware and the same server, with a number of queries that does not grow
with a user's history:
- the today page (a year of data) and the cramp history: at least 0.25x, every request rendered
  from the database (no page cache: the check below fails a page served from a cache);
- the "cramp now" guide signed in: at least 0.4x, rendered each request too;
- the guide for a visitor: at least 0.8x, through Django's cache framework (`public_page`).

1. A throwaway database: `crampless_pagebench` on the PostgreSQL server DATABASE_URL names (the
   database named in the URL is never touched), or, when DATABASE_URL is not a PostgreSQL URL,
   a SQLite file in a temporary folder (the output says which). Migrated, the relief library
   loaded, and two users whose today is the same: one with a year of history (drinks, food,
   stretches, exercise, cramps with the techniques tried, check-ins, notifications), one with
   only today. The static files are collected into the temporary folder.
2. Queries per page, counted in process through Django's test client: the same for both users.
3. The server as the Procfile runs it: gunicorn, 2 sync workers, DEBUG off, on 127.0.0.1 and a
   free port, with benchmarks/page_settings.py (the app's settings plus the bare view's URL).
4. Load: wrk (`apt-get install wrk`), else a bounded Python load generator; a warm-up, then a
   fixed time per page with a few connections. Signed-in pages send a session and CSRF cookie,
   and are compared with the bare view sent the same cookie (so the session and auth middleware
   do the same work); the guide for a visitor is compared with the bare view without a cookie.
   The time is split into rounds, each measuring every page in turn, while the share of the
   CPU that other processes take is watched (/proc). A page's ratio is the median, over the
   quiet rounds (other work <= 10% during both its slice and the bare view's), of its rate
   against the bare view's in the same round. With no quiet round it is not a PASS.
5. A table with PASS/FAIL; the exit status is 1 if any page fails. Then gunicorn is stopped and
   the database dropped (`--keep` keeps both the database and the temporary folder).

`--profile` also profiles each page in process (cProfile, var/pagebench-profile-<page>.txt).
"""

import argparse
import cProfile
import datetime as dt
import http.client
import io
import os
import platform
import pstats
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

from benchmarks import throwaway_db

BENCH_DB = os.environ.get("PAGEBENCH_DB", "crampless_pagebench")
BASE_DIR = Path(__file__).resolve().parent.parent
LIBRARY_FIXTURES = ("techniques", "tips", "red_flags", "foods")
# The Procfile's default (WEB_CONCURRENCY); sync workers, gunicorn's default class.
WORKERS = 2
ZONE = "Europe/Berlin"
BARE = "/bench/bare/"
# The Python load generator's hard stop, whatever the duration.
MAX_PYTHON_REQUESTS = 500_000
# A round counts when other processes took at most this share of the machine's CPU meanwhile.
QUIET = 0.10


@dataclass(frozen=True)
class Page:
    label: str
    path: str
    signed_in: bool
    marker: str  # text the page must contain: a 200 that is the login form is not the page
    bare: bool = False
    target: float = 0.0  # the bar: at least this ratio to the bare view (0: the bare view)


PAGES = (
    Page("bare view, signed in", BARE, True, "ok", bare=True),
    Page("today", "/today/", True, "Today's log", target=0.25),
    Page("cramp history", "/history/cramps/", True, "Tried:", target=0.25),
    Page("guide, signed in", "/cramp-now/", True, "Log out", target=0.4),
    Page("bare view, visitor", BARE, False, "ok", bare=True),
    Page("guide, visitor", "/cramp-now/", False, "Log in", target=0.8),
)


@dataclass
class Measure:
    rps: float
    requests: int
    seconds: float
    errors: int = 0
    notes: list = field(default_factory=list)
    foreign: float = 0.0  # the share of the machine's CPU that other processes took meanwhile


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.pages", description=__doc__)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of load per page")
    parser.add_argument(
        "--rounds", type=int, default=5, help="rounds the duration is split into (median)"
    )
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds of warm-up per page")
    parser.add_argument("--connections", type=int, default=4, help="concurrent connections")
    parser.add_argument("--days", type=int, default=365, help="days of history of the big user")
    parser.add_argument(
        "--tool", choices=("auto", "wrk", "python"), default="auto", help="load generator"
    )
    parser.add_argument("--keep", action="store_true", help="keep the database and temp folder")
    parser.add_argument(
        "--prepared",
        action="store_true",
        help="what-if: PostgreSQL prepared statements (server-side binding, prepare_threshold 5)",
    )
    parser.add_argument(
        "--profile", action="store_true", help="profile each page in process (var/)"
    )
    args = parser.parse_args(argv)

    tool = args.tool
    if tool == "auto":
        tool = "wrk" if shutil.which("wrk") else "python"
    elif tool == "wrk" and not shutil.which("wrk"):
        print("wrk is not installed (apt-get install wrk)", file=sys.stderr)
        return 2

    workdir = Path(tempfile.mkdtemp(prefix="crampless-pagebench-"))
    bench = throwaway_db.start(BENCH_DB, workdir, prepared=args.prepared)
    from django.db import connections

    server = None
    try:
        setup = _prepare(args.days)
        counts = _count_queries(setup)
        server = _Server(workdir, bench.env)
        setup.args = args
        measures = _measure_all(server.port, setup, tool, server)
        if args.profile:
            _profile(setup)
        ok = _print(
            setup, counts, measures, tool, args, bench.postgres, bench.server_url, server.port
        )
    finally:
        if server is not None:
            server.stop()
        connections.close_all()
        bench.clean_up(keep=args.keep)
    return 0 if ok else 1


# --- data -----------------------------------------------------------------------------------


@dataclass
class Setup:
    year_user: object
    day_user: object
    cookies: dict  # signed in as the year user: session and CSRF cookies
    rows: dict  # what the year user logged, by kind
    args: object = None


def _prepare(days: int) -> Setup:
    from django.conf import settings
    from django.core.management import call_command

    assert not settings.DEBUG, "the benchmark runs with DEBUG off"
    call_command("migrate", verbosity=0)
    call_command("loaddata", *LIBRARY_FIXTURES, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)

    rng = random.Random(2026)
    year_user, rows = _create_user("bench-year", days, rng)
    day_user, _ = _create_user("bench-day", 1, rng)
    # Statistics as a live database has them (autovacuum): the planner picks the indexes.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    # A signed-in browser's cookies: the session, and the CSRF cookie the first page set.
    client = _client()
    client.force_login(year_user)
    response = client.get("/today/")
    assert response.status_code == 200, response.status_code
    cookies = {name: morsel.value for name, morsel in client.cookies.items()}
    assert settings.SESSION_COOKIE_NAME in cookies and settings.CSRF_COOKIE_NAME in cookies
    return Setup(year_user, day_user, cookies, rows)


def _client():
    from django.test import Client

    # The server's only allowed host; the test client would say "testserver".
    return Client(HTTP_HOST="127.0.0.1")


def _create_user(username: str, days: int, rng: random.Random):
    """A user in Berlin with `days` days of history ending now; today looks the same for all."""
    from django.utils import timezone

    from cramps.models import (
        CheckIn,
        CrampEpisode,
        ExerciseSession,
        FoodItem,
        HydrationEntry,
        IntakeEntry,
        Notification,
        ReliefTechnique,
        StretchEntry,
        TechniqueTrial,
        User,
    )

    user = User.objects.create_user(
        username=username, email=f"{username}@example.com", password=None, timezone=ZONE
    )
    techniques = list(ReliefTechnique.objects.order_by("slug"))
    foods = list(FoodItem.objects.order_by("slug"))
    routine = ReliefTechnique.bedtime_routine() or techniques[0]
    assert techniques and foods, "the relief library fixtures are empty"
    now = timezone.now()
    today = user.local_today()
    episodes, trials, drinks, intake, stretches, exercise, checkins = [], [], [], [], [], [], []

    for back in range(days):
        day = today - dt.timedelta(days=back)
        start, end = user.day_bounds(day)
        is_today = back == 0
        if is_today:
            end = now  # nothing in the future: today's entries spread over the hours so far

        def at(fraction, start=start, end=end):
            return start + (end - start) * fraction

        if is_today or rng.random() < 0.4:
            episodes.append(
                CrampEpisode(
                    user=user,
                    started_at=at(rng.uniform(0.08, 0.2)),
                    duration_seconds=rng.choice((30, 180, 180, 450, 900)),
                    side=rng.choice(("left", "right", "both")),
                    muscle=rng.choice(("calf", "calf", "calf", "foot", "hamstring")),
                    severity=rng.randint(3, 9),
                    context="asleep",
                    notes=rng.choice(("", "", "Woke me up; <b>stretching</b> helped.")),
                )
            )
            tried = rng.sample(techniques, 2 if is_today else rng.randint(1, 3))
            trials.append([(t, rng.choice(("helped", "somewhat", "no", ""))) for t in tried])
        for _ in range(4 if is_today else rng.randint(3, 6)):
            drinks.append(
                HydrationEntry(
                    user=user,
                    at=at(rng.uniform(0.3, 0.95)),
                    amount_ml=rng.choice((150, 250, 330, 500)),
                    drink=rng.choice(("water", "water", "water", "milk", "electrolyte")),
                )
            )
        for n in range(2 if is_today else rng.randint(1, 3)):
            entry = IntakeEntry(user=user, at=at(rng.uniform(0.3, 0.9)))
            if n == 1 and (is_today or rng.random() < 0.3):
                entry.label, entry.magnesium_mg = "Magnesium 250", 250
            else:
                entry.food = rng.choice(foods)
                entry.servings = Decimal(rng.choice(("0.5", "1", "1.5", "2")))
                entry.fill_from_food()
            intake.append(entry)
        if is_today or rng.random() < 0.7:
            stretches.append(
                StretchEntry(
                    user=user,
                    at=at(0.93),
                    technique=routine,
                    duration_minutes=5,
                    occasion="before_bed",
                )  # fmt: skip
            )
        if is_today or rng.random() < 0.35:
            exercise.append(
                ExerciseSession(
                    user=user,
                    starts_at=at(0.75),
                    duration_minutes=rng.choice((30, 45, 60)),
                    activity=rng.choice(("Running", "Cycling", "Football", "Walking")),
                    intensity=rng.choice(("easy", "moderate", "hard")),
                    outdoors=rng.random() < 0.6,
                    warmed_up=rng.choice((True, True, False, None)),
                    status="planned" if is_today else rng.choice(("done", "done", "cancelled")),
                )
            )
        if not is_today and rng.random() < 0.8:
            habits = {name: rng.choice((True, True, False, None)) for name, _ in CheckIn.HABITS}
            checkins.append(
                CheckIn(user=user, date=day, note=rng.choice(("", "Slept well.")), **habits)
            )

    episodes = CrampEpisode.objects.bulk_create(episodes)
    TechniqueTrial.objects.bulk_create(
        TechniqueTrial(episode=episode, technique=technique, outcome=outcome)
        for episode, tried in zip(episodes, trials, strict=True)
        for technique, outcome in tried
    )
    HydrationEntry.objects.bulk_create(drinks)
    IntakeEntry.objects.bulk_create(intake)
    StretchEntry.objects.bulk_create(stretches)
    ExerciseSession.objects.bulk_create(exercise)
    CheckIn.objects.bulk_create(checkins)
    notices = [
        Notification(user=user, title="Bedtime stretch", body="Time for your calf stretch.")
        for _ in range(min(days, 30))
    ]
    for notice in notices[3:]:
        notice.read_at = now
    Notification.objects.bulk_create(notices)
    rows = {
        "cramps": len(episodes),
        "trials": sum(map(len, trials)),
        "drinks": len(drinks),
        "food": len(intake),
        "stretches": len(stretches),
        "exercise": len(exercise),
        "check-ins": len(checkins),
        "notifications": len(notices),
    }
    return user, rows


# --- queries --------------------------------------------------------------------------------


def _count_queries(setup: Setup) -> dict:
    """Queries per request of each page, for the 1-day and the 1-year user.

    Each page is requested once first: the count is the steady state (the guide for a visitor
    is then a cached page). `cold` is the count with an empty cache.
    """
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for page in PAGES:
        figures = {}
        for name, user in (("day", setup.day_user), ("year", setup.year_user)):
            client = _client()
            if page.signed_in:
                client.force_login(user)
            cache.clear()
            with CaptureQueriesContext(connection) as cold:
                client.get(page.path)
            with CaptureQueriesContext(connection) as warm:
                response = client.get(page.path)
            assert response.status_code == 200, (page.path, response.status_code)
            figures[name] = len(warm)
            figures[f"{name}_cold"] = len(cold)
            figures[f"{name}_bytes"] = len(response.content)
            if name == "year":
                figures["sql"] = [q["sql"] for q in warm.captured_queries]
        counts[page] = figures
    return counts


# --- the server -----------------------------------------------------------------------------


class _Server:
    """gunicorn as the Procfile runs it, on a free port of 127.0.0.1."""

    def __init__(self, workdir: Path, env: dict):
        self.port = _free_port()
        self.log = open(workdir / "gunicorn.log", "ab")  # noqa: SIM115 (closed in stop())
        gunicorn = Path(sys.executable).with_name("gunicorn")
        command = [
            str(gunicorn) if gunicorn.exists() else "gunicorn",
            "tracker.wsgi",
            "--bind", f"127.0.0.1:{self.port}",
            "--workers", str(WORKERS),
            "--access-logfile", "-",
        ]  # fmt: skip
        self.process = subprocess.Popen(
            command,
            cwd=BASE_DIR,
            env={**os.environ, **env},
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self._wait_ready()

    def _wait_ready(self, timeout=30.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}: see its log")
            try:
                status, _ = _get(self.port, BARE, {})
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError("gunicorn did not answer within 30 s")

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(port: int, path: str, headers: dict) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


# --- load -----------------------------------------------------------------------------------


def _headers(page: Page, setup: Setup) -> dict:
    if not page.signed_in:
        return {}
    return {"Cookie": "; ".join(f"{name}={value}" for name, value in setup.cookies.items())}


_TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


def _check(port: int, page: Page, headers: dict) -> None:
    """The page as served: a 200 with its own content (a redirect to login would be fast); a
    signed-in page rendered for this request (a CSRF token masked anew: no stored HTML)."""
    status, body = _get(port, page.path, headers)
    if status != 200 or page.marker.encode() not in body:
        raise RuntimeError(f"{page.path} answered {status} without {page.marker!r}")
    if page.signed_in and not page.bare:
        _status, again = _get(port, page.path, headers)
        tokens = set(_TOKEN.findall(body)), set(_TOKEN.findall(again))
        if not tokens[0] or not tokens[0].isdisjoint(tokens[1]):
            raise RuntimeError(f"{page.path}: the same CSRF token twice: a stored page")


def _measure_all(port: int, setup: Setup, tool: str, server) -> dict:
    """Every page in turn, in rounds of duration/rounds seconds each, watching how much CPU
    other processes take meanwhile: a burst of other work spoils a round, not a page's figure."""
    args = setup.args
    run = _wrk if tool == "wrk" else _python_load
    for page in PAGES:
        headers = _headers(page, setup)
        _check(port, page, headers)
        run(port, page.path, headers, args.warmup, args.connections)
    measures = {page: [] for page in PAGES}
    seconds = args.duration / args.rounds
    watch = _CpuWatch(server.process.pid)
    for number in range(args.rounds):
        for page in PAGES:
            watch.start()
            measure = run(port, page.path, _headers(page, setup), seconds, args.connections)
            measure.foreign = watch.stop()
            measures[page].append(measure)
        figures = ", ".join(
            f"{p.label} {measures[p][-1].rps:.0f} ({measures[p][-1].foreign:.0%} other)"
            for p in PAGES
        )
        print(f"  round {number + 1}/{args.rounds}: {figures}", file=sys.stderr)
    for page in PAGES:
        _check(port, page, _headers(page, setup))
    return measures


class _CpuWatch:
    """The share of the machine's CPU that other processes took during a slice: its busy time
    (/proc/stat) less ours: this process and its finished children (wrk), gunicorn and its
    workers, and the PostgreSQL backends connected to the benchmark's database."""

    def __init__(self, server_pid: int):
        self.server_pid = server_pid
        self.tick = os.sysconf("SC_CLK_TCK")

    def start(self):
        self.began = (time.monotonic(), self._busy(), self._mine(), self._theirs())

    def stop(self) -> float:
        wall, busy, mine, theirs = time.monotonic(), self._busy(), self._mine(), self._theirs()
        began_wall, began_busy, began_mine, began_theirs = self.began
        # Per process: a database backend that closes mid-slice takes its total with it.
        ours = mine - began_mine
        ours += sum(cpu - began_theirs.get(pid, 0.0) for pid, cpu in theirs.items())
        took = (wall - began_wall) * _nproc()
        return max(0.0, ((busy - began_busy) - ours) / took) if took > 0 else 0.0

    def _busy(self) -> float:
        ticks = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
        # user, nice, system and steal: interrupt time (loopback traffic) belongs to no process
        return (ticks[0] + ticks[1] + ticks[2] + ticks[7]) / self.tick

    @staticmethod
    def _mine() -> float:
        mine = os.times()  # this process and its children once finished (wrk)
        return mine.user + mine.system + mine.children_user + mine.children_system

    def _theirs(self) -> dict:
        """CPU seconds of gunicorn, its workers and the database backends, by process."""
        return {pid: self._cpu(pid) for pid in self._pids()}

    def _pids(self) -> set:
        from django.db import connection

        pids = {self.server_pid}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit() and self._parent(entry.name) == self.server_pid:
                pids.add(int(entry.name))
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
                )
                pids.update(pid for (pid,) in cursor.fetchall())
        return pids

    @staticmethod
    def _fields(pid) -> list:
        try:
            return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            return []

    def _parent(self, pid) -> int:
        fields = self._fields(pid)
        return int(fields[1]) if fields else -1

    def _cpu(self, pid) -> float:
        fields = self._fields(pid)
        return (int(fields[11]) + int(fields[12])) / self.tick if fields else 0.0


def _wrk(port, path, headers, seconds, connections) -> Measure:
    command = ["wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    command.append(f"http://127.0.0.1:{port}{path}")
    output = subprocess.run(
        command, capture_output=True, text=True, check=True, timeout=seconds + 30
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    done = re.search(r"(\d+) requests in ([\d.]+)(m?s)", output)
    requests = int(done.group(1))
    took = float(done.group(2)) / (1000 if done.group(3) == "ms" else 1)
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = int(bad.group(1)) if bad else 0
    measure = Measure(rps, requests, took, errors)
    sockets = re.search(r"Socket errors: (.*)", output)
    if sockets:
        measure.notes.append(f"socket errors: {sockets.group(1)}")
    return measure


def _python_load(port, path, headers, seconds, connections) -> Measure:
    """Threads with keep-alive connections (gunicorn's sync workers close them anyway)."""
    stop_at = time.monotonic() + seconds
    done, errors = [0] * connections, [0] * connections
    cap = MAX_PYTHON_REQUESTS // connections

    def worker(i):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while time.monotonic() < stop_at and done[i] + errors[i] < cap:
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                if response.status == 200:
                    done[i] += 1
                else:
                    errors[i] += 1
            except (OSError, http.client.HTTPException):
                errors[i] += 1
                conn.close()
        conn.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(connections)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    took = time.perf_counter() - started
    return Measure(sum(done) / took, sum(done), took, sum(errors))


# --- profile --------------------------------------------------------------------------------


def _profile(setup: Setup, requests: int = 300) -> None:
    """Each page through the test client under cProfile: where a request's time goes."""
    out = BASE_DIR / "var"
    out.mkdir(exist_ok=True)
    seen = set()
    for page in PAGES:
        if (page.path, page.signed_in) in seen:
            continue
        seen.add((page.path, page.signed_in))
        client = _client()
        if page.signed_in:
            client.force_login(setup.year_user)
        for _ in range(20):
            client.get(page.path)
        profiler = cProfile.Profile()
        started = time.perf_counter()
        profiler.enable()
        for _ in range(requests):
            client.get(page.path)
        profiler.disable()
        took = time.perf_counter() - started
        slug = re.sub(r"\W+", "-", page.label).strip("-")
        stream = io.StringIO()
        stream.write(f"{page.label} ({page.path}): {1000 * took / requests:.2f} ms a request\n\n")
        pstats.Stats(profiler, stream=stream).sort_stats("cumulative").print_stats(60)
        (out / f"pagebench-profile-{slug}.txt").write_text(stream.getvalue())
        print(f"  profile: {page.label:24} {1000 * took / requests:6.2f} ms a request in process")


# --- report ---------------------------------------------------------------------------------


def _print(setup, counts, measures, tool, args, postgres, server_url, port) -> bool:
    import django
    import gunicorn
    from django.db import connection

    bare = {
        True: measures[PAGES[0]],
        False: measures[next(p for p in PAGES if p.bare and not p.signed_in)],
    }
    print()
    print("Crampless page benchmark: pages against a bare Django view, same middleware and server")
    print(
        f"  machine: {_nproc()} CPUs (nproc), {_cpu_model()}, Python "
        f"{platform.python_version()}, Django {django.get_version()}"
    )
    if postgres:
        where = urlsplit(server_url)._replace(path="", query="").geturl()
        print(f"  database: PostgreSQL {_db_version(connection)}, {BENCH_DB} on {where} (dropped)")
    else:
        print(
            f"  database: SQLite {_db_version(connection)}, a throwaway file: DATABASE_URL is not "
            "a PostgreSQL URL (set DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres)"
        )
    print(
        f"  server: gunicorn {gunicorn.__version__}, {WORKERS} sync workers, DEBUG off, "
        f"127.0.0.1:{port}"
    )
    if args.prepared:
        print("  what-if: prepared statements (server-side binding), not the app's settings")
    print(
        f"  load: {_tool_version(tool)}, {args.connections} connections, "
        f"{args.warmup:g} s warm-up + {args.duration:g} s a page in {args.rounds} rounds"
    )
    print(
        f"  figures: medians over the quiet rounds (other processes took <= {QUIET:.0%} of the "
        "CPU during\n           both the page's and the bare view's slice), each ratio against "
        "the bare view of its round"
    )
    rows = ", ".join(f"{count:,} {kind}" for kind, count in setup.rows.items())
    print(f"  data: the signed-in user has {args.days} days: {rows}; today is the same for a")
    print("        user with 1 day, whose query counts are the first figure below")
    print()
    header = (
        f"  {'page':22} {'path':17} {'requests/s':>10} {'ratio':>6} "
        f"{'queries 1d/1y':>13} {'kB':>6} {'quiet':>6}  verdict"
    )
    print(header)
    print("  " + "-" * (len(header) - 2))
    all_ok = True
    for page in PAGES:
        figures = counts[page]
        pairs = list(zip(measures[page], bare[page.signed_in], strict=True))
        quiet = [(m, b) for m, b in pairs if max(m.foreign, b.foreign) <= QUIET]
        counted = quiet or pairs  # a machine busy all along: every round, and the verdict says so
        rps = statistics.median(m.rps for m, _ in counted)
        ratio = statistics.median(m.rps / b.rps for m, b in counted)
        rounds = f"{len(quiet)}/{len(pairs)}"
        same = figures["day"] == figures["year"]
        errors = sum(m.errors for m in measures[page])
        if page.bare:
            verdict = "1.0x" if page.signed_in else "1.0x for visitors"
        else:
            ok = ratio >= page.target and same and errors == 0 and bool(quiet)
            all_ok &= ok
            reasons = [] if quiet else ["machine busy in every round: run again"]
            if ratio < page.target:
                reasons.append(f"< {page.target}x")
            if not same:
                reasons.append("queries grow")
            if errors:
                reasons.append(f"{errors} bad answers")
            verdict = f">= {page.target}x: " + (
                "PASS" if ok else "FAIL (" + ", ".join(reasons) + ")"
            )
        queries = f"{figures['day']}/{figures['year']}"
        if figures["year_cold"] != figures["year"]:
            queries += f" ({figures['year_cold']} cold)"
        print(
            f"  {page.label:22} {page.path:17} {rps:>10.1f} {ratio:>5.2f}x {queries:>13} "
            f"{figures['year_bytes'] / 1024:>6.1f} {rounds:>6}  {verdict}"
        )
    print()
    notes = {p.label: n for p in PAGES for m in measures[p] for n in m.notes}
    for label, note in notes.items():
        print(f"  {label}: {note}")
    for page in PAGES:
        if page.bare:
            continue
        sql = counts[page]["sql"]
        if sql:
            print(f"  {page.label} queries:")
            for statement in sql:
                print(f"    - {_shorten(statement)}")
    print()
    print("  PASS: every page meets its bar" if all_ok else "  FAIL: see above")
    return all_ok


def _shorten(sql: str, width: int = 110) -> str:
    sql = re.sub(r'"[a-z_]+"\.', "", " ".join(sql.split()))
    return sql if len(sql) <= width else sql[: width - 3] + "..."


def _nproc() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 0


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def _db_version(connection) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
        else:
            cursor.execute("SELECT sqlite_version()")
        return cursor.fetchone()[0].split()[0]


def _tool_version(tool: str) -> str:
    if tool == "python":
        why = "chosen with --tool" if shutil.which("wrk") else "wrk is not installed"
        # It takes a core of its own: its ratios are rougher than wrk's.
        return f"Python load generator (threads, http.client; {why}; rougher than wrk)"
    result = subprocess.run(["wrk", "-v"], capture_output=True, text=True)
    text = (result.stdout + result.stderr).split()
    return f"wrk {text[1]} (1 thread)" if len(text) > 1 else "wrk"


# --- the database server --------------------------------------------------------------------


if __name__ == "__main__":
    sys.exit(main())
