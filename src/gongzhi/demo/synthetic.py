"""A large synthetic data set for benchmarks: many communities, realistic shapes.

``load_scale(n)`` makes communities ``SYN-C00001`` … ``SYN-C{n}``, ten to a
subdistrict (``SYN-S001`` …), laid out on a grid north of Guicheng so that no
area overlaps the Pingdong data set. Each community has 3–6 economic
cooperatives, about 20 streets (lines inside the cooperatives), 2–4 housing
estates, about 30 organisations (companies, associations, social organisations,
property companies, cooperatives) with a realistic mix of party coverage, a
community party committee with its branches and joint branch, a community
committee with full-time and part-time seats, and about 40 users with roles
(staff, secretary, a chief per street, liaisons, residents, volunteers). Every
synthetic user has the demo password. Each subdistrict also has two government
departments.

Rows are written with ``bulk_create`` for speed, bypassing the services (and so
the per-object audit trail; one ``demo.load_scale`` event records the run), but
bounding boxes are computed from the geometry exactly as ``place_set_geometry``
does. Content is deterministic: community ``i`` is generated from its own random
stream seeded by ``(seed, i)``, so ``load_scale(3)`` after ``load_scale(2)``
equals ``load_scale(3)`` alone. It is idempotent: communities whose code exists
are skipped.

Later issues extend each community with their own data (cases, patrols,
meetings, consultations, volunteers, drainage units) in the same way.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db import models, transaction

from gongzhi.accounts.models import RoleAssignment, User
from gongzhi.core.audit import audit_record
from gongzhi.orgs.models import (
    CommitteeSeat,
    CommunityCommittee,
    Liaison,
    Organisation,
    PartyOrganisation,
)
from gongzhi.places.models import (
    Community,
    EconomicCooperative,
    Estate,
    Street,
    Subdistrict,
)

from .synthetic_generator import (
    MAX_SCALE,
    Generator,
    community_code,
    subdistrict_code,
)

__all__ = [
    "MAX_SCALE",
    "SUMMARY_KEYS",
    "community_code",
    "load_scale",
    "subdistrict_code",
]

SUMMARY_KEYS = (
    "subdistricts",
    "communities",
    "cooperatives",
    "estates",
    "streets",
    "users",
    "organisations",
    "party_organisations",
    "committees",
    "seats",
    "liaisons",
    "roles",
)

_MODELS: dict[str, type[models.Model]] = {
    "subdistricts": Subdistrict,
    "communities": Community,
    "cooperatives": EconomicCooperative,
    "estates": Estate,
    "streets": Street,
    "users": User,
    "organisations": Organisation,
    "party_committees": PartyOrganisation,
    "party_branches": PartyOrganisation,
    "committees": CommunityCommittee,
    "seats": CommitteeSeat,
    "liaisons": Liaison,
    "roles": RoleAssignment,
}
_BATCH_SIZE = 1000


def _bulk(model: type[models.Model], rows: list[Any]) -> int:
    model._default_manager.bulk_create(rows, batch_size=_BATCH_SIZE)
    return len(rows)


def _save(generator: Generator) -> Counter[str]:
    """Save the generator's rows in dependency order; return counts by kind."""
    counts: Counter[str] = Counter()
    for name in Generator.ORDER:
        kind = "party_organisations" if name.startswith("party_") else name
        counts[kind] += _bulk(_MODELS[name], generator.rows[name])
        if name == "organisations":
            managed = Organisation.estates.through
            _bulk(
                managed,
                [
                    managed(organisation_id=o.pk, estate_id=e.pk)
                    for o, e in generator.org_estate_pairs
                ],
            )
        elif name == "party_branches":
            covered = PartyOrganisation.covered.through
            _bulk(
                covered,
                [
                    covered(partyorganisation_id=p.pk, organisation_id=o.pk)
                    for p, o in generator.covered_pairs
                ],
            )
    return counts


@transaction.atomic
def load_scale(n: int, *, seed: int = 1) -> dict[str, int]:
    """Add synthetic communities 1..``n`` that do not exist yet; return counts.

    The counts say how many rows of each kind this run added (all zero when
    every community existed already).
    """
    if not 1 <= n <= MAX_SCALE:
        raise ValueError(f"The scale must be from 1 to {MAX_SCALE} communities.")
    existing = set(
        Community.objects.filter(code__startswith="SYN-C").values_list(
            "code", flat=True
        )
    )
    generator = Generator(seed)
    for i in range(1, n + 1):
        if community_code(i) not in existing:
            generator.community(i)
    counts = _save(generator)
    if counts["communities"]:
        audit_record(
            actor=None,
            action="demo.load_scale",
            kind="system",
            changes={k: [0, v] for k, v in counts.items() if v},
            note=f"scale={n} seed={seed}",
        )
    return {name: counts[name] for name in SUMMARY_KEYS}
