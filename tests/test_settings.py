"""The settings module refuses bad configuration at start, naming the variable."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _start(**env):
    """Import the settings in a fresh interpreter, as `manage.py` or gunicorn would."""
    unset = {"SECRET_KEY", "DEBUG", "DATABASE_URL", "ALLOWED_HOSTS"}
    clean = {k: v for k, v in os.environ.items() if k not in unset}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "tracker.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_it_requires_a_secret_key_when_debug_is_off():
    result = _start(DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY is required when DEBUG is off" in result.stderr


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DEBUG": "maybe"}, "DEBUG must be true or false, not 'maybe'"),
        ({"DEBUG": "false", "SECRET_KEY": "x" * 50}, "ALLOWED_HOSTS is required when DEBUG is off"),
        ({"DEBUG": "true", "DB_CONN_MAX_AGE": "forever"}, "DB_CONN_MAX_AGE must be a whole number"),
        ({"DEBUG": "true", "DATABASE_URL": "nonsense://x"}, "DATABASE_URL is not a database URL"),
    ],
)
def test_it_names_the_variable_with_a_bad_value(env, message):
    result = _start(**env)
    assert result.returncode != 0
    assert message in result.stderr


def test_it_starts_on_a_laptop_with_only_debug_set(tmp_path):
    result = _start(DEBUG="true", VAR_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr
