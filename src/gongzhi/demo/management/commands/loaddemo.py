"""``gongzhi loaddemo``: load the Pingdong demo data set, and a synthetic one."""

from __future__ import annotations

import math
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from gongzhi.demo.pingdong import load_pingdong
from gongzhi.demo.pingdong_cases import pingdong_cases_load
from gongzhi.demo.synthetic import MAX_SCALE, load_scale
from gongzhi.demo.synthetic_cases import CASES_PER_COMMUNITY, cases_load

MAX_CASES = 10_000_000


def parse_scale(value: str | None) -> int | None:
    """Return the number of synthetic communities asked for, or raise CommandError."""
    if value is None:
        return None
    try:
        scale = int(value)
    except ValueError:
        scale = 0
    if not 1 <= scale <= MAX_SCALE:
        raise CommandError(
            f"--scale must be a whole number of communities from 1 to {MAX_SCALE} "
            f"(got {value!r})."
        )
    return scale


def parse_cases(value: str | None) -> int | None:
    """Return the number of synthetic cases asked for, or raise CommandError."""
    if value is None:
        return None
    try:
        cases = int(value)
    except ValueError:
        cases = -1
    if not 0 <= cases <= MAX_CASES:
        raise CommandError(
            f"--cases must be a whole number of cases from 0 to {MAX_CASES:,} "
            f"(got {value!r})."
        )
    return cases


def spread(cases: int, communities: int) -> dict[int, int]:
    """Share ``cases`` among communities 1..``communities`` as evenly as can be."""
    share, extra = divmod(cases, communities)
    return {i: share + (i <= extra) for i in range(1, communities + 1)}


class Command(BaseCommand):
    help = (
        "Load the Pingdong demo data set with its cases (idempotent) and, with "
        "--scale N and/or --cases M, synthetic communities and cases for "
        "benchmarks. All or nothing: one transaction."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            metavar="N",
            help=f"Also load N synthetic communities (1 to {MAX_SCALE}), each with "
            f"a year of cases ({CASES_PER_COMMUNITY} unless --cases says "
            "otherwise); communities that exist are kept.",
        )
        parser.add_argument(
            "--cases",
            metavar="M",
            help="Spread M synthetic cases over the synthetic communities (over "
            f"ceil(M/{CASES_PER_COMMUNITY}) of them when --scale is not given). "
            "Communities that have cases already are kept as they are.",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=1,
            help="Random seed of the synthetic data set (default 1).",
        )

    def handle(
        self,
        *args: Any,
        scale: str | None,
        cases: str | None,
        seed: int,
        **options: Any,
    ) -> None:
        n = parse_scale(scale)
        m = parse_cases(cases)
        if m is not None and n is None and m:
            n = min(MAX_SCALE, math.ceil(m / CASES_PER_COMMUNITY))
        if n is not None and m is None:
            m = n * CASES_PER_COMMUNITY
        verbose = options["verbosity"] > 1
        started = time.monotonic()
        with transaction.atomic():
            pingdong = load_pingdong(stdout=self.stdout if verbose else None)
            pingdong_cases = pingdong_cases_load()
            synthetic = load_scale(n, seed=seed) if n else None
            synthetic_cases = cases_load(spread(m, n), seed=seed) if n and m else None
        if options["verbosity"] < 1:
            return
        self.stdout.write(
            "Pingdong demo data: {communities} communities, {cooperatives} "
            "cooperatives, {streets} streets, {estates} estates, {organisations} "
            "organisations, {party_organisations} party organisations, "
            "{committee_seats} committee seats, {users} accounts "
            "({created} objects added).".format(**pingdong)
        )
        self.stdout.write(
            "Pingdong cases: {total_cases} demo cases ({cases} added), "
            "{categories} categories, {routing_rules} routing rules and "
            "{deadline_policies} deadline policies added.".format(**pingdong_cases)
        )
        if synthetic is not None:
            self.stdout.write(
                "Synthetic data (scale {n}, seed {seed}): {communities} communities "
                "added in {subdistricts} new subdistricts, with {streets} streets, "
                "{organisations} organisations and {users} users.".format(
                    n=n, seed=seed, **synthetic
                )
            )
        if synthetic_cases is not None:
            self.stdout.write(
                "Synthetic cases: {cases} added in {communities} communities "
                "({open} still open, {events} timeline events, {stat_rows} "
                "statistics rows written).".format(**synthetic_cases)
            )
        if verbose:
            self.stdout.write(f"Done in {time.monotonic() - started:.1f} s.")
