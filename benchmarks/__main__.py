"""`python -m benchmarks`: the reminder engine at 100,000 users (benchmarks/reminders.py), then,
each in a process of its own (they set Django up with their own settings and database): the pages
against a bare Django view (benchmarks/pages.py), the insights page and the doctor's report with
three years of data (benchmarks/insights.py), the guide's first load in bytes (benchmarks/wire.py),
and 50 clients at once against gunicorn for two minutes (benchmarks/load.py; --no-load skips it).

Needs PostgreSQL and Redis: DATABASE_URL names the server (a throwaway database `crampless_bench`
is created on it and dropped at the end; the database named in the URL is never touched) and
REDIS_URL the broker. Defaults: postgres://postgres@127.0.0.1:5432/ and redis://127.0.0.1:6379/15.
"""

import argparse
import os
import subprocess
import sys


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--users", type=int, default=100_000, help="users due in the same minute")
    parser.add_argument("--send", type=int, default=10_000, help="reminders the worker sends")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    parser.add_argument(
        "--profile", action="store_true", help="profile the in-process send (var/bench-profile.txt)"
    )
    parser.add_argument(
        "--reminders-only", action="store_true", help="skip the page and load benchmarks"
    )
    parser.add_argument("--no-load", action="store_true", help="skip the load benchmark")
    args = parser.parse_args()

    from benchmarks import reminders

    server = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/postgres"
    if not server.startswith(("postgres://", "postgresql://")):
        print(f"DATABASE_URL must point at PostgreSQL, not {server.split(':')[0]}", file=sys.stderr)
        return 2
    redis_url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"
    status = reminders.run(
        server, redis_url, args.users, args.send, keep=args.keep, profile=args.profile
    )
    if args.reminders_only:
        return status
    env = {**os.environ, "DATABASE_URL": server}
    # Each runs even when one before it misses its bar: the figures all go in the README.
    names = ["pages", "insights", "wire"] + ([] if args.no_load else ["load"])
    others = [
        subprocess.call([sys.executable, "-m", f"benchmarks.{name}"], env=env) for name in names
    ]
    return status or next((code for code in others if code), 0)


if __name__ == "__main__":
    sys.exit(main())
