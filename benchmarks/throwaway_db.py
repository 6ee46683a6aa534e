"""A throwaway database and environment for a benchmark: created fresh, dropped at the end.

The database named in DATABASE_URL is never touched; only its server is used. Without a
PostgreSQL DATABASE_URL the benchmark gets an SQLite file in its temporary folder.
"""

import dataclasses
import os
import shutil
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit


def with_database(url: str, name: str) -> str:
    """`url` pointing at database `name` on the same server."""
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}", query=""))


def _maintenance(url: str):
    import psycopg

    return psycopg.connect(with_database(url, "postgres"), autocommit=True)


def recreate(url: str, name: str) -> None:
    with _maintenance(url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop(url: str, name: str) -> None:
    with _maintenance(url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclasses.dataclass
class Bench:
    """Where a benchmark runs: its database, its folder and the environment its server gets."""

    name: str
    server_url: str
    url: str
    workdir: Path
    env: dict

    @property
    def postgres(self) -> bool:
        return self.url.startswith(("postgres://", "postgresql://"))

    def clean_up(self, keep: bool = False) -> None:
        """Drop the database and the folder, or say where they are kept."""
        if keep:
            print(f"  kept: database {self.url}, folder {self.workdir}")
            return
        if self.postgres:
            drop(self.server_url, self.name)
        shutil.rmtree(self.workdir, ignore_errors=True)


def start(name: str, workdir: Path, *, prepared: bool = False, **extra: str) -> Bench:
    """Make the database `name` afresh, set the environment the app and its server read (as
    `make run`: DEBUG off, plain HTTP on a loopback address), and set Django up in this process."""
    server_url = os.environ.get("DATABASE_URL", "")
    if server_url.startswith(("postgres://", "postgresql://")):
        url = with_database(server_url, name)
        recreate(server_url, name)
    else:
        url = f"sqlite:///{workdir / (name + '.sqlite3')}"
    env = {
        "DJANGO_SETTINGS_MODULE": "benchmarks.page_settings",
        "DATABASE_URL": url,
        "DEBUG": "false",
        "SECRET_KEY": f"{name}-benchmark-only-not-a-secret",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
        "SECURE_COOKIES": "false",
        "PAGEBENCH_STATIC_ROOT": str(workdir / "static"),
        "VAR_DIR": str(workdir / "var"),
        "PAGEBENCH_PREPARED": "1" if prepared else "0",
        **extra,
    }
    os.environ.update(env)
    import django

    django.setup()
    return Bench(name, server_url, url, workdir, env)
