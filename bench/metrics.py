"""Benchmark the case metrics: latency of every metric query at 100k and 1M cases.

    .venv/bin/python bench/metrics.py --db sqlite --cases 100000
    .venv/bin/python bench/metrics.py --db postgres --cases 1000000

The first run builds the data with ``gongzhi loaddemo --scale C --cases N`` (the
Pingdong demo plus N synthetic cases over C synthetic communities: by default
one community per 10,000 cases, a year of a large urban community) in its own
database (SQLite under /tmp/bench-metrics-N-sqlite, or PostgreSQL database
``gongzhi_bench_metrics_N``); later runs reuse it (``--rebuild`` starts over,
``--drop`` removes it afterwards). Then ``case_metrics`` (every DESIGN §3 rate
from the roll-ups, plus the live overdue count) is called ``--calls`` times for
random scopes (everywhere, community, cooperative, street, category,
organisation) and periods (a week, a month, a quarter, a year), and a
``case_metrics_by`` breakdown (all communities) for a month. Latencies are
wall-clock in this process, database included. Last, the case timers run three
times (``timers_run``: the first sends what is due, the next find nothing), to
show what a periodic tick costs at that size. Figures are printed last.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import drop_pg_database, machine, percentile, use_database  # noqa: E402

SCOPES = ("all", "community", "cooperative", "street", "category", "organisation")
PERIODS = {"week": 7, "month": 30, "quarter": 91, "year": 365}


def build(cases: int, communities: int) -> float:
    from django.core.management import call_command
    from django.db import connection

    began = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    call_command(
        "loaddemo",
        "--scale",
        str(communities),
        "--cases",
        str(cases),
        verbosity=1,
    )
    if connection.vendor == "postgresql":
        # What autovacuum does after a bulk load: planner statistics and the
        # visibility map (index-only scans).
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    return time.perf_counter() - began


def scope_ids() -> dict[str, list[int]]:
    from gongzhi.cases.models import CaseStat

    ids: dict[str, list[int]] = {"all": [0]}
    for scope in SCOPES[1:]:
        ids[scope] = list(
            CaseStat.objects.filter(scope=scope)
            .values_list("scope_id", flat=True)
            .distinct()
        )
    return ids


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument(
        "--communities",
        type=int,
        default=0,
        help="synthetic communities (default: one per 10,000 cases)",
    )
    parser.add_argument("--calls", type=int, default=600)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--drop", action="store_true", help="drop the data after")
    args = parser.parse_args()
    label = f"{args.cases // 1000}k" if args.cases < 1_000_000 else "1m"
    if args.cases >= 1_000_000 and args.cases % 1_000_000:
        label = f"{args.cases}"
    name = f"metrics-{label}"
    communities = args.communities or max(1, args.cases // 10_000)
    if args.rebuild:
        if args.db == "postgres":
            drop_pg_database(f"gongzhi_bench_{name}".replace("-", "_"))
        else:
            sqlite = Path("/tmp") / f"bench-{name}-sqlite" / "gongzhi.sqlite3"  # noqa: S108
            for suffix in ("", "-wal", "-shm"):
                Path(f"{sqlite}{suffix}").unlink(missing_ok=True)
    use_database(args.db, name)

    import django

    django.setup()
    from django.db import connection
    from django.db.utils import OperationalError, ProgrammingError

    from gongzhi.cases.metrics import case_metrics, case_metrics_by
    from gongzhi.cases.models import Case, CaseStat

    try:
        present = Case.objects.filter(number__startswith="SYN").count()
    except (OperationalError, ProgrammingError):
        present = 0
    build_s = None
    if present < args.cases:
        print(f"building {args.cases:,} cases over {communities} communities …")
        build_s = build(args.cases, communities)
        present = Case.objects.filter(number__startswith="SYN").count()
    total = Case.objects.count()
    stat_rows = CaseStat.objects.count()
    ids = scope_ids()
    rng = random.Random(args.seed)  # noqa: S311  (benchmark choices)
    today = dt.datetime.now(dt.UTC).astimezone().date()

    def one_call() -> tuple[str, str, float]:
        scope = rng.choice(SCOPES)
        period = rng.choice(list(PERIODS))
        end = today - dt.timedelta(days=rng.randrange(0, 200))
        start = end - dt.timedelta(days=PERIODS[period] - 1)
        scope_id = rng.choice(ids[scope]) if ids[scope] else 0
        began = time.perf_counter()
        metrics = case_metrics(
            scope=scope if ids[scope] else "all",
            scope_id=scope_id,
            start=start,
            end=end,
        )
        elapsed = time.perf_counter() - began
        assert metrics.counts is not None
        return scope, period, elapsed * 1000

    for _ in range(30):  # warm the caches and the connection
        one_call()
    by_scope: dict[str, list[float]] = defaultdict(list)
    by_period: dict[str, list[float]] = defaultdict(list)
    every: list[float] = []
    for _ in range(args.calls):
        scope, period, ms = one_call()
        by_scope[scope].append(ms)
        by_period[period].append(ms)
        every.append(ms)

    overdue: list[float] = []
    rollup: list[float] = []
    month_end = today
    month_start = today - dt.timedelta(days=29)
    for _ in range(50):
        began = time.perf_counter()
        case_metrics(start=month_start, end=month_end)
        overdue.append((time.perf_counter() - began) * 1000)
        began = time.perf_counter()
        case_metrics(start=month_start, end=month_end, with_overdue=False)
        rollup.append((time.perf_counter() - began) * 1000)
    breakdown: list[float] = []
    for _ in range(10):
        began = time.perf_counter()
        rows = case_metrics_by(scope="community", start=month_start, end=month_end)
        breakdown.append((time.perf_counter() - began) * 1000)

    from django.utils import timezone

    from gongzhi.cases.services.timers import timers_run

    timer_runs = []
    for _ in range(3):
        began = time.perf_counter()
        done = timers_run(now=timezone.now())
        timer_runs.append(((time.perf_counter() - began) * 1000, done))

    def line(name: str, values: list[float]) -> str:
        return (
            f"  {name:<34} n={len(values):>4}  p50 {percentile(values, 50):7.2f} ms"
            f"  p95 {percentile(values, 95):7.2f} ms"
            f"  p99 {percentile(values, 99):7.2f} ms"
        )

    print()
    print(f"== bench/metrics.py  db={connection.vendor}  cases={present:,} ==")
    print(f"machine: {machine()}")
    print(
        f"data: {total:,} cases ({present:,} synthetic over {communities} "
        f"communities), {stat_rows:,} CaseStat rows"
    )
    if build_s is not None:
        print(f"build (migrate + loaddemo): {build_s:,.0f} s")
    print("case_metrics (all rates + live overdue count), random scope and period:")
    print(line("all calls", every))
    for scope in SCOPES:
        print(line(f"scope {scope}", by_scope[scope]))
    for period in PERIODS:
        print(line(f"period {period}", by_period[period]))
    print(line("everywhere, a month, with overdue", overdue))
    print(line("everywhere, a month, roll-ups only", rollup))
    print(line(f"breakdown by community ({len(rows)} rows)", breakdown))
    for i, (ms, done) in enumerate(timer_runs, start=1):
        print(f"  timers_run #{i}: {ms:9.1f} ms  {done}")
    target = percentile(every, 95)
    print(f"p95 of all calls: {target:.2f} ms (target < 200 ms at 1M cases)")
    if args.drop and args.db == "postgres":
        connection.close()
        drop_pg_database(f"gongzhi_bench_{name}".replace("-", "_"))


if __name__ == "__main__":
    main()
