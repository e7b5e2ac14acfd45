"""Benchmark Open311: POST requests.json throughput, GET requests.json latency.

    .venv/bin/python bench/open311.py --cases 10000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gzbench \\
        .venv/bin/python bench/open311.py --cases 1000000 --posts 2000

A throw-away database is created (``test_…`` on PostgreSQL, memory on SQLite)
and filled with ``--cases`` cases spread over the last year (a quarter of them
in the default 90-day window), each with its report event and, when dispatched,
a dispatch event. If the demo app offers ``loaddemo --cases`` it fills the
database instead. Requests go through Django's test client in this process, so
the figures are the application's and the database's time, without the network
or a web server. The figures are printed last.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongzhi.test_settings")
# Notifications are queued for the worker, as in production.
os.environ.setdefault("TASKS_BACKEND", "database")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command, load_command_class  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import (  # noqa: E402
    setup_test_environment,
    teardown_test_environment,
)
from django.utils import timezone  # noqa: E402

BATCH = 5000


def _loaddemo_makes_cases() -> bool:
    try:
        command = load_command_class("gongzhi.demo", "loaddemo")
    except ImportError:
        return False
    parser = command.create_parser("gongzhi", "loaddemo")
    return any("--cases" in action.option_strings for action in parser._actions)


def _world() -> dict:
    from gongzhi.cases.models import Category, CategoryAttribute
    from gongzhi.orgs.choices import OrganisationKind
    from gongzhi.orgs.models import Organisation
    from gongzhi.places.models import Community, Street, Subdistrict
    from gongzhi.places.services import place_set_geometry

    subdistrict = Subdistrict.objects.create(code="BENCH-SD", name="桂城街道")
    community = Community.objects.create(
        code="BENCH-C", name="平东社区", subdistrict=subdistrict
    )
    place_set_geometry(
        place=community,
        geometry={
            "type": "Polygon",
            "coordinates": [
                [
                    [100.0, 40.0],
                    [100.1, 40.0],
                    [100.1, 40.1],
                    [100.0, 40.1],
                    [100.0, 40.0],
                ]
            ],
        },
        actor=None,
    )
    street = Street.objects.create(
        code="BENCH-S1", name="江表上街", community=community
    )
    categories = [
        Category.objects.create(code=f"bench-{n}", name_zh=f"类别{n}", name_en=f"C{n}")
        for n in range(8)
    ]
    CategoryAttribute.objects.create(
        category=categories[0],
        code="size",
        datatype="singlevaluelist",
        question_zh="多大？",
        question_en="How big?",
        required=True,
        values=[{"key": "small", "name_zh": "小", "name_en": "small"}],
    )
    unit = Organisation.objects.create(
        name="城管办",
        kind=OrganisationKind.GOVERNMENT,
        community=community,
        subdistrict=subdistrict,
    )
    return {
        "community": community,
        "street": street,
        "categories": categories,
        "unit": unit,
    }


def _seed(n: int, world: dict) -> None:
    """Bulk-write ``n`` cases (and their events) without the services, for speed."""
    from gongzhi.cases.choices import Channel, Status
    from gongzhi.cases.models import Case, CaseEvent

    now = timezone.now()
    states = [Status.CLOSED, Status.CLOSED, Status.REPORTED, Status.DISPATCHED]
    for start in range(0, n, BATCH):
        cases = []
        for i in range(start, min(n, start + BATCH)):
            status = states[i % len(states)]
            dispatched = status != Status.REPORTED
            at = now - dt.timedelta(minutes=(i * 525_600) // max(n, 1))
            cases.append(
                Case(
                    number=f"B{i:09d}",
                    token_hash="0" * 64,
                    category=world["categories"][i % 8],
                    description=f"第{i}号：巷口有垃圾",
                    channel=Channel.OPEN311 if i % 5 == 0 else Channel.WEB,
                    status=status,
                    lat=40.0 + (i % 1000) / 10_000,
                    lng=100.0 + (i % 997) / 10_000,
                    community=world["community"],
                    street=world["street"] if i % 2 else None,
                    lead_unit=world["unit"] if dispatched else None,
                    reported_at=at,
                    dispatched_at=at if dispatched else None,
                    resolve_due_at=at + dt.timedelta(days=3) if dispatched else None,
                    closed_at=at + dt.timedelta(days=2)
                    if status == Status.CLOSED
                    else None,
                )
            )
        Case.objects.bulk_create(cases)
        events = []
        for case in cases:
            events.append(
                CaseEvent(
                    case=case,
                    at=case.reported_at,
                    action="report",
                    to_status="reported",
                )
            )
            if case.dispatched_at:
                events.append(
                    CaseEvent(
                        case=case,
                        at=case.dispatched_at,
                        action="dispatch",
                        from_status="accepted",
                        to_status="dispatched",
                        note="请于三个工作日内处理",
                    )
                )
        CaseEvent.objects.bulk_create(events)


def _time(call: Callable[[], object], runs: int) -> list[float]:
    times = []
    for _n in range(runs):
        began = time.perf_counter()
        call()
        times.append((time.perf_counter() - began) * 1000)
    return times


def _summary(times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    mean, p50 = statistics.fmean(times), statistics.median(times)
    return f"mean {mean:7.1f} ms  p50 {p50:7.1f} ms  p95 {p95:7.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--posts", type=int, default=500)
    parser.add_argument("--gets", type=int, default=30)
    args = parser.parse_args()

    settings.OPEN311_RATE_PER_MINUTE = 0
    settings.OPEN311_READ_RATE_PER_MINUTE = 0
    settings.ALLOWED_HOSTS = ["*"]
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    figures: list[str] = []
    try:
        from gongzhi.open311.services import api_key_create

        began = time.perf_counter()
        world = _world()
        source = "bulk seed"
        if _loaddemo_makes_cases():
            try:
                call_command("loaddemo", "--cases", str(args.cases), verbosity=0)
                source = "loaddemo --cases"
            except Exception as exc:  # the demo's generator is not ours to fix
                print(
                    f"loaddemo --cases failed ({exc!r}); seeding instead.",
                    file=sys.stderr,
                )
        if source == "bulk seed":
            _seed(args.cases, world)
        if connection.vendor == "postgresql":
            # Fresh planner statistics, as autovacuum would have after a bulk load.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        seed_s = time.perf_counter() - began
        _api_key, raw_key = api_key_create(name="bench")
        client = Client()
        code = world["categories"][0].code

        def post(i: int) -> None:
            response = client.post(
                "/open311/v2/requests.json",
                {
                    "api_key": raw_key,
                    "service_code": code,
                    "lat": f"{40.0 + (i % 900) / 10_000:.5f}",
                    "long": f"{100.0 + (i % 900) / 10_000:.5f}",
                    "description": f"基准测试第{i}条：路灯不亮",
                    "attribute[size]": "small",
                    "email": "bench@example.org",
                },
            )
            assert response.status_code == 200, response.content

        counter = iter(range(10**9))
        post_times = _time(lambda: post(next(counter)), args.posts)
        total_s = sum(post_times) / 1000

        from gongzhi.cases.models import Case

        total_cases = Case.objects.count()
        number = Case.objects.order_by("-reported_at").values_list("number", flat=True)[
            total_cases // 10
        ]

        def get(path: str, **query: str) -> Callable[[], None]:
            def call() -> None:
                response = client.get(path, query)
                assert response.status_code == 200, response.content

            return call

        reads = [
            (
                "GET requests.json (default: 90 days, first 1000)",
                get("/open311/v2/requests.json"),
            ),
            (
                "GET requests.xml (default)",
                get("/open311/v2/requests.xml"),
            ),
            (
                "GET requests.json status=open&service_code=…&page_size=100",
                get(
                    "/open311/v2/requests.json",
                    status="open",
                    service_code=code,
                    page_size="100",
                ),
            ),
            (
                "GET requests.json page=5&page_size=100&extensions=true",
                get(
                    "/open311/v2/requests.json",
                    page="5",
                    page_size="100",
                    extensions="true",
                ),
            ),
            ("GET requests/{id}.json", get(f"/open311/v2/requests/{number}.json")),
        ]
        get("/open311/v2/requests.json")()  # warm up
        read_figures = [(label, _time(call, args.gets)) for label, call in reads]

        figures.append(
            f"Open311 benchmark: {connection.vendor}, {total_cases:,} cases "
            f"({source}, {seed_s:.0f} s), Django test client in-process"
        )
        figures.append(
            f"POST requests.json    {args.posts} requests, {args.posts / total_s:6.1f}"
            f" requests/s   {_summary(post_times)}"
        )
        for label, times in read_figures:
            figures.append(f"{label:<60} {_summary(times)}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()
    print("\n".join(figures))


if __name__ == "__main__":
    main()
