"""`python -m benchmarks.insights`: the insights page and the doctor's report against a bare
Django view, over HTTP, for a user with three years of daily logs.

The bar: each serves at least 0.1x the requests per second of the bare view (every request
rendered from the database: nothing per user is stored), with the same number of queries for a
user with one day of data. The machinery is the page benchmark's (benchmarks/pages.py): the
same throwaway database, settings, gunicorn, load generators and quiet-round medians; the data
comes from the demo generator (cramps/insights/demo.py).
"""

import argparse
import dataclasses
import random
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from benchmarks import pages, throwaway_db

BENCH_DB = "crampless_insightsbench"
TARGET_RATIO = 0.1
YEARS = 3

PAGES = (
    pages.Page("bare view, signed in", pages.BARE, True, "ok", bare=True),
    pages.Page("insights", "/insights/", True, "Habit strength", target=TARGET_RATIO),
    pages.Page(
        "report, 90 days", "/insights/report/", True, "Frequency and pattern", target=TARGET_RATIO
    ),
    # The longest period a report covers (a year), filled in once the user is made: shown,
    # not judged (target 0: the bar is the report as it opens).
    pages.Page("report, a year", "/insights/report/?year", True, "Frequency and pattern"),
)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.insights", description=__doc__)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of load per page")
    parser.add_argument("--rounds", type=int, default=5, help="rounds (median)")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds of warm-up per page")
    parser.add_argument("--connections", type=int, default=4, help="concurrent connections")
    parser.add_argument(
        "--tool", choices=("auto", "wrk", "python"), default="auto", help="load generator"
    )
    parser.add_argument("--keep", action="store_true", help="keep the database and temp folder")
    args = parser.parse_args(argv)
    tool = args.tool
    if tool == "auto":
        tool = "wrk" if shutil.which("wrk") else "python"

    workdir = Path(tempfile.mkdtemp(prefix="crampless-insightsbench-"))
    bench = throwaway_db.start(BENCH_DB, workdir)
    from django.db import connections

    server = None
    try:
        setup, page_list = _prepare()
        counts = _count_queries(setup, page_list)
        server = pages._Server(workdir, bench.env)
        measures = _measure(server, setup, page_list, tool, args)
        ok = _print(setup, page_list, counts, measures, tool, args, bench.postgres)
    finally:
        if server is not None:
            server.stop()
        connections.close_all()
        bench.clean_up(keep=args.keep)
    return 0 if ok else 1


def _prepare():
    import datetime as dt

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from cramps.insights import demo, report
    from cramps.models import User

    assert not settings.DEBUG, "the benchmark runs with DEBUG off"
    call_command("migrate", verbosity=0)
    call_command("loaddata", *pages.LIBRARY_FIXTURES, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    users, rows = {}, {}
    for name, days in (("years", 365 * YEARS), ("day", 1)):
        user = User.objects.create_user(
            username=f"bench-{name}", email=f"bench-{name}@example.com", timezone=pages.ZONE
        )
        rows[name] = demo.generate(user, random.Random(2026), user.local_today(), days)
        users[name] = user
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    today = users["years"].local_today()
    start = today - dt.timedelta(days=report.MAX_DAYS - 1)
    year = f"/insights/report/?start={start.isoformat()}&end={today.isoformat()}"
    page_list = [
        p if p.path != "/insights/report/?year" else dataclasses.replace(p, path=year)
        for p in PAGES
    ]
    client = pages._client()
    client.force_login(users["years"])
    assert client.get("/insights/").status_code == 200
    cookies = {name: morsel.value for name, morsel in client.cookies.items()}
    setup = pages.Setup(users["years"], users["day"], cookies, rows["years"])
    return setup, page_list


def _count_queries(setup, page_list) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for page in page_list:
        figures = {}
        for name, user in (("day", setup.day_user), ("years", setup.year_user)):
            client = pages._client()
            client.force_login(user)
            client.get(page.path)
            with CaptureQueriesContext(connection) as queries:
                response = client.get(page.path)
            assert response.status_code == 200, (page.path, response.status_code)
            figures[name] = len(queries)
            figures["bytes"] = len(response.content)
        counts[page] = figures
    return counts


def _measure(server, setup, page_list, tool, args) -> dict:
    run = pages._wrk if tool == "wrk" else pages._python_load
    port = server.port
    for page in page_list:
        headers = pages._headers(page, setup)
        pages._check(port, page, headers)
        run(port, page.path, headers, args.warmup, args.connections)
    measures = {page: [] for page in page_list}
    watch = pages._CpuWatch(server.process.pid)
    for number in range(args.rounds):
        for page in page_list:
            watch.start()
            measure = run(
                port, page.path, pages._headers(page, setup), args.duration / args.rounds,
                args.connections,
            )  # fmt: skip
            measure.foreign = watch.stop()
            measures[page].append(measure)
        figures = ", ".join(f"{p.label} {measures[p][-1].rps:.0f}" for p in page_list)
        print(f"  round {number + 1}/{args.rounds}: {figures}", file=sys.stderr)
    return measures


def _print(setup, page_list, counts, measures, tool, args, postgres) -> bool:
    bare = measures[page_list[0]]
    rows = ", ".join(f"{n:,} {kind}" for kind, n in setup.rows.items())
    print()
    print("Crampless insights benchmark: the insights page and the report against a bare view")
    print(f"  database: {'PostgreSQL' if postgres else 'SQLite (DATABASE_URL is not PostgreSQL)'}")
    print(f"  load: {pages._tool_version(tool)}, {args.connections} connections")
    print(f"  data: {YEARS} years of daily logs from the demo generator: {rows}")
    print()
    print(f"  {'page':20} {'requests/s':>10} {'ratio':>6} {'queries 1d/3y':>13} {'kB':>6}  verdict")
    ok_all = True
    for page in page_list:
        pairs = list(zip(measures[page], bare, strict=True))
        quiet = [(m, b) for m, b in pairs if max(m.foreign, b.foreign) <= pages.QUIET]
        counted = quiet or pairs
        rps = statistics.median(m.rps for m, _ in counted)
        ratio = statistics.median(m.rps / b.rps for m, b in counted)
        figures = counts[page]
        same = figures["day"] == figures["years"]
        errors = sum(m.errors for m in measures[page])
        if page.bare:
            verdict = "1.0x"
        elif not page.target:
            verdict = "(not in the bar)"
        else:
            ok = ratio >= TARGET_RATIO and same and not errors and bool(quiet)
            ok_all &= ok
            reasons = [] if quiet else ["machine busy in every round: run again"]
            if ratio < TARGET_RATIO:
                reasons.append(f"< {TARGET_RATIO}x")
            if not same:
                reasons.append("queries grow")
            if errors:
                reasons.append(f"{errors} bad answers")
            verdict = "PASS" if ok else "FAIL (" + ", ".join(reasons) + ")"
        print(
            f"  {page.label:20} {rps:>10.1f} {ratio:>5.2f}x "
            f"{figures['day']:>6}/{figures['years']:<6} {figures['bytes'] / 1024:>6.1f}  {verdict}"
        )
    print()
    print(f"  PASS: each at >= {TARGET_RATIO}x the bare view" if ok_all else "  FAIL: see above")
    return ok_all


if __name__ == "__main__":
    sys.exit(main())
