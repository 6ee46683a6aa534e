"""`python -m benchmarks.load`: many clients at once against gunicorn, as the Procfile runs it.

50 clients (`--clients`) each log a glass of water through the API and read their today page,
in a loop, for a warm-up minute and then a measured minute (`--warmup`, `--seconds`). Reported:
requests, errors (any status other than 200/201, any connection error), latency p50/p95/p99 per
kind, and the web workers' memory (RSS) after the warm-up and at the end. The exit status is 1
if there was any error or the workers' memory grew more than 10% after the warm-up.

The database is a throwaway one: `crampless_loadbench` on the PostgreSQL server DATABASE_URL
names (never the database in the URL), or a SQLite file in a temporary folder otherwise (SQLite
allows one writer at a time, so its figures are not production's; the output says which).
A benchmark, not a test: `make bench` runs it after the others.
"""

import argparse
import http.client
import secrets
import sys
import tempfile
import threading
import time
from pathlib import Path

from benchmarks import throwaway_db
from benchmarks.pages import _Server

BENCH_DB = "crampless_loadbench"
MAX_GROWTH = 0.10


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.load", description=__doc__)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--warmup", type=float, default=60.0, help="seconds before measuring")
    parser.add_argument("--seconds", type=float, default=60.0, help="seconds measured")
    args = parser.parse_args(argv)

    workdir = Path(tempfile.mkdtemp(prefix="crampless-loadbench-"))
    # Each client is its own user: the per-user write throttle is not what is measured.
    bench = throwaway_db.start(BENCH_DB, workdir, API_WRITE_RATE="1000000/minute")
    from django.db import connections

    server = None
    try:
        clients = _prepare(args.clients)
        connections.close_all()
        server = _Server(workdir, bench.env)
        result = _run(server, clients, args.warmup, args.seconds)
        return _print(result, args, bench.postgres)
    finally:
        if server is not None:
            server.stop()
        connections.close_all()
        bench.clean_up()


def _prepare(count: int) -> list[dict]:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from rest_framework.authtoken.models import Token

    from cramps.models import User

    call_command("migrate", verbosity=0)
    call_command("loaddata", "techniques", "tips", "red_flags", "foods", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    clients = []
    for n in range(count):
        user = User.objects.create_user(
            f"load{n}", f"load{n}@example.com", secrets.token_urlsafe(), timezone="Europe/Berlin"
        )
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        clients.append(
            {
                "token": Token.objects.create(user=user).key,
                "cookie": f"{settings.SESSION_COOKIE_NAME}={session.session_key}",
            }
        )
    return clients


class _Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.latency = {"water": [], "today": []}
        self.errors: list[str] = []

    def add(self, kind, seconds, error=None):
        with self.lock:
            if error is None:
                self.latency[kind].append(seconds)
            else:
                self.errors.append(f"{kind}: {error}")


def _client_loop(port, client, stop, measuring, tally):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    water = (
        "POST",
        "/api/v1/hydration/",
        b'{"amount_ml": 250}',
        {"Authorization": f"Token {client['token']}", "Content-Type": "application/json"},
        201,
    )
    today = ("GET", "/today/", None, {"Cookie": client["cookie"]}, 200)
    while not stop.is_set():
        for kind, (method, path, body, headers, expected) in (("water", water), ("today", today)):
            started = time.perf_counter()
            error = None
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                if response.status != expected:
                    error = f"HTTP {response.status}"
            except (OSError, http.client.HTTPException) as exc:
                error = repr(exc)
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            if measuring.is_set() or error is not None:
                tally.add(kind, time.perf_counter() - started, error)
    conn.close()


def _worker_pids(master: int) -> list[int]:
    children = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:
            children.append(int(entry.name))
    return children


def _rss_kib(pids) -> int:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total


def _run(server, clients, warmup, seconds):
    tally, stop, measuring = _Tally(), threading.Event(), threading.Event()
    threads = [
        threading.Thread(
            target=_client_loop, args=(server.port, c, stop, measuring, tally), daemon=True
        )
        for c in clients
    ]
    for thread in threads:
        thread.start()
    time.sleep(warmup)
    workers = _worker_pids(server.process.pid)
    rss_start = _rss_kib(workers)
    measuring.set()
    time.sleep(seconds)
    rss_end = _rss_kib(workers)
    stop.set()
    for thread in threads:
        thread.join(timeout=35)
    return {"tally": tally, "rss_start": rss_start, "rss_end": rss_end, "workers": len(workers)}


def _percentile(values, p):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def _print(result, args, postgres) -> int:
    tally = result["tally"]
    print(f"Load: {args.clients} clients, {args.warmup:g} s warm-up, {args.seconds:g} s measured,")
    print(f"      gunicorn with {result['workers']} workers, database: ", end="")
    print("PostgreSQL" if postgres else "SQLite (one writer at a time: not production figures)")
    print(f"{'kind':<8}{'requests':>10}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
    for kind, values in tally.latency.items():
        rate = len(values) / args.seconds
        p50, p95, p99 = (_percentile(values, p) * 1000 for p in (50, 95, 99))
        print(f"{kind:<8}{len(values):>10}{rate:>8.1f}{p50:>9.1f}{p95:>9.1f}{p99:>9.1f}")
    print(f"errors: {len(tally.errors)}")
    for error in sorted(set(tally.errors))[:10]:
        print(f"  {error}")
    start, end = result["rss_start"], result["rss_end"]
    growth = (end - start) / start if start else 0.0
    flat = growth <= MAX_GROWTH
    print(
        f"web workers' memory: {start / 1024:.1f} MiB after the warm-up, {end / 1024:.1f} MiB at "
        f"the end ({growth:+.1%}): {'flat' if flat else 'GROWING'} (limit +{MAX_GROWTH:.0%})"
    )
    ok = not tally.errors and flat
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
