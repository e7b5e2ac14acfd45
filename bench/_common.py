"""Shared helpers of the benchmarks: a database of their own, figures, the machine.

Each benchmark runs against its own data: SQLite in a data folder under /tmp, or
a PostgreSQL database it creates (``gongzhi_bench_…`` on 127.0.0.1, user
``postgres``). Nothing touches the developer's database.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")


def use_database(db: str, name: str) -> dict[str, str]:
    """Point this process (and its children) at the benchmark database ``name``.

    Return the environment variables set. Must run before Django is set up.
    """
    data_dir = Path("/tmp") / f"bench-{name}-{db}"  # noqa: S108  (throw-away data)
    data_dir.mkdir(parents=True, exist_ok=True)
    env = {
        "GONGZHI_DATA_DIR": str(data_dir),
        # Demo mode keeps generated keys in the data folder: no secrets needed.
        "GONGZHI_DEMO": "1",
        "DEBUG": "false",
        "TASKS_BACKEND": "database",
        "EMAIL_URL": "dummymail://",
        "LOG_LEVEL": "WARNING",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    if db == "postgres":
        database = f"gongzhi_bench_{name}".replace("-", "_")
        env["DATABASE_URL"] = f"{PG_ADMIN_URL}/{database}"
        create_pg_database(database)
    elif db != "sqlite":
        raise SystemExit(f"--db must be sqlite or postgres, not {db!r}")
    else:
        env["DATABASE_URL"] = f"sqlite:///{data_dir / 'gongzhi.sqlite3'}"
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongzhi.settings")
    for path in (str(ROOT / "src"), str(ROOT)):
        if path not in sys.path:
            sys.path.insert(0, path)
    return env


def create_pg_database(database: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_ADMIN_URL}/postgres", autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [database]
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{database}"')


def drop_pg_database(database: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_ADMIN_URL}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def percentile(values: list[float], p: float) -> float:
    """Return the ``p``-th percentile (0–100) by the nearest-rank method."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, min(len(ordered), round(p / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def machine() -> str:
    """Return a one-line description of this machine and its load."""
    cpu = ""
    try:
        out = subprocess.run(
            ["lscpu"], capture_output=True, text=True, check=False
        ).stdout
        for line in out.splitlines():
            if line.startswith("Model name:"):
                cpu = line.split(":", 1)[1].strip()
    except OSError:
        pass
    memory_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"{os.cpu_count()} CPUs ({cpu or platform.processor()}), "
        f"{memory_gb:.0f} GB RAM, Python {platform.python_version()}, "
        f"load average {load}"
    )
