"""The ``gongzhi`` command ends configuration and database errors in one line."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from cryptography.fernet import Fernet

# Variables of the test process that would configure the child.
_INHERITED = {"SECRET_KEY", "DEBUG", "DATABASE_URL", "TASKS_BACKEND", "ALLOWED_HOSTS"}


@pytest.fixture
def run(tmp_path):
    """Run ``python -m gongzhi.cli`` as production would, with no .env file."""
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in _INHERITED and not k.startswith(("GONGZHI_", "DJANGO_"))
    }
    base.update(
        DEBUG="0",
        DJANGO_SETTINGS_MODULE="gongzhi.settings",
        GONGZHI_DATA_DIR=str(tmp_path / "data"),
    )

    def _run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "gongzhi.cli", *args],
            cwd=tmp_path,
            env={**base, **env},
            capture_output=True,
            text=True,
            timeout=60,
        )

    return _run


@pytest.fixture
def keys() -> dict[str, str]:
    return {
        "SECRET_KEY": "cli-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "GONGZHI_FIELD_KEYS": Fernet.generate_key().decode(),
    }


def test_a_missing_secret_key_is_one_line_and_exit_status_2(run, tmp_path):
    result = run("check")

    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("gongzhi: configuration error: SECRET_KEY is not set")
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "data").exists()  # no key files made outside demo mode


def test_an_unreachable_database_is_one_line_and_exit_status_2(run, keys):
    result = run("migrate", DATABASE_URL="postgres://nobody@127.0.0.1:1/nodb", **keys)

    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("gongzhi: cannot use the database")
    assert "Traceback" not in result.stderr


def test_an_unknown_tasks_backend_is_one_line_and_exit_status_2(run, keys):
    result = run("check", TASKS_BACKEND="celery", **keys)

    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "gongzhi: configuration error: TASKS_BACKEND must be one of database, rq, "
        "immediate, not 'celery'."
    ]


def test_bad_field_keys_fail_the_system_check(run, keys):
    result = run("check", **{**keys, "GONGZHI_FIELD_KEYS": "not-a-key"})

    assert result.returncode == 1
    assert "(core.E001) GONGZHI_FIELD_KEYS must be Fernet keys" in result.stderr
