"""``gongzhi loaddemo``: load the Pingdong demo data set, and a synthetic one."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from gongzhi.demo.pingdong import load_pingdong
from gongzhi.demo.synthetic import MAX_SCALE, load_scale


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


class Command(BaseCommand):
    help = (
        "Load the Pingdong demo data set (idempotent) and, with --scale N, N "
        "synthetic communities for benchmarks. All or nothing: one transaction."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            metavar="N",
            help=f"Also load N synthetic communities (1 to {MAX_SCALE}); "
            "communities that exist are kept.",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=1,
            help="Random seed of the synthetic data set (default 1).",
        )

    def handle(self, *args: Any, scale: str | None, seed: int, **options: Any) -> None:
        n = parse_scale(scale)
        verbose = options["verbosity"] > 1
        with transaction.atomic():
            pingdong = load_pingdong(stdout=self.stdout if verbose else None)
            synthetic = load_scale(n, seed=seed) if n else None
        if options["verbosity"] < 1:
            return
        self.stdout.write(
            "Pingdong demo data: {communities} communities, {cooperatives} "
            "cooperatives, {streets} streets, {estates} estates, {organisations} "
            "organisations, {party_organisations} party organisations, "
            "{committee_seats} committee seats, {users} accounts "
            "({created} objects added).".format(**pingdong)
        )
        if synthetic is not None:
            self.stdout.write(
                "Synthetic data (scale {n}, seed {seed}): {communities} communities "
                "added in {subdistricts} new subdistricts, with {streets} streets, "
                "{organisations} organisations and {users} users.".format(
                    n=n, seed=seed, **synthetic
                )
            )
