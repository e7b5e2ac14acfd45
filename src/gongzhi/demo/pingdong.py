"""The Pingdong demo data set, built from the Pearl River Times report (shared/seed).

Everything is written through the domain services (with ``actor=None``, the
system) so that the audit log shows how the data came to be. The loader is
idempotent: each object is looked up by its code or name first and created only
when missing, so a second run writes nothing, not even audit events.

Modelling decisions:

* **江表上街 is a cooperative of its own** (``PD-JBS``), a sibling of 江表
  (``PD-JB``), not a tier below it. The report names "江表上街经济社" with its own
  head, so it is an economic cooperative; the old Jiangbiao village is two
  cooperatives, 江表 and 江表上街, side by side. Places have a single cooperative
  tier, and sibling areas must not overlap for ``place_locate`` to give one
  answer, so 江表上街's rectangle is cut out of the village area beside 江表's.
* The jade new town (玉器新城, with the 翠宝园 estate) and the jade street (玉器街)
  lie in Pingdong but outside every cooperative's area, so ``翠宝园`` has no
  cooperative.
* The names of people are fictitious (demo/accounts.py); the report's real names
  are not used. The jade association's part-time seat is held by its secretary
  general (``liaison.jade``), who is also its liaison.
* Street chiefs are role assignments on the six JBS streets (three held by party
  members); patrol assignments come with the patrols module.

Two-coverages figures for Pingdong (new economic and social organisations that
are active): 10 in all; 5 with a party organisation (the two association
branches and the three shops of the joint branch); 7 reached by party work (the
5 plus the trading centre and the mutual-aid association, through instructors).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db import transaction
from django.db.models import Model

from gongzhi.accounts.models import RoleAssignment, User
from gongzhi.accounts.services import role_assign, user_create
from gongzhi.core.audit import audit_record
from gongzhi.orgs.models import (
    CommitteeSeat,
    CommunityCommittee,
    Liaison,
    Organisation,
    PartyOrganisation,
)
from gongzhi.orgs.services import (
    committee_seat_assign,
    liaison_add,
    organisation_create,
    party_organisation_create,
)
from gongzhi.places.models import (
    Community,
    EconomicCooperative,
    Estate,
    Place,
    Street,
    Subdistrict,
)
from gongzhi.places.services import place_set_geometry

from .accounts import DEMO_ACCOUNTS, DEMO_PASSWORD
from .geometry import line, line_length_m
from .pingdong_data import (
    COMMITTEE_NAME,
    COMMUNITIES,
    COMMUNITY_CODE,
    COOPERATIVES,
    ESTATES,
    LIAISONS,
    ORGANISATION_NAMES,
    ORGANISATIONS,
    PARTY_ORGANISATIONS,
    SEATS,
    STREETS,
    SUBDISTRICT,
    SUBDISTRICT_CODE,
    TERM,
    demo_phone,
)

__all__ = [
    "COMMUNITY_CODE",
    "ORGANISATION_NAMES",
    "SUBDISTRICT_CODE",
    "demo_phone",
    "load_pingdong",
    "pingdong_summary",
    "resolve_scope",
]

# --- Lookups -------------------------------------------------------------------
_SCOPE_MODELS: dict[str, type[Place]] = {
    "subdistrict": Subdistrict,
    "community": Community,
    "cooperative": EconomicCooperative,
    "street": Street,
}


def resolve_scope(scope: str) -> Any:
    """Return the place or organisation a scope string (``kind:CODE``) names.

    An empty string is the whole platform (None).
    """
    if not scope:
        return None
    kind, _sep, code = scope.partition(":")
    if kind == "org":
        return Organisation.objects.get(name=ORGANISATION_NAMES[code])
    if kind not in _SCOPE_MODELS:
        raise ValueError(f"Unknown scope kind {kind!r} in {scope!r}.")
    return _SCOPE_MODELS[kind]._default_manager.get(code=code)


def _scope_filter(scope: Any) -> dict[str, Any]:
    fields = {f"{name}__isnull": True for name in RoleAssignment.SCOPE_FIELDS}
    if scope is None:
        return fields
    name = {
        Subdistrict: "subdistrict",
        Community: "community",
        EconomicCooperative: "cooperative",
        Street: "street",
        Organisation: "organisation",
    }[type(scope)]
    del fields[f"{name}__isnull"]
    return {**fields, name: scope}


def pingdong_summary() -> dict[str, int]:
    """Return how many objects of the Pingdong data set the database holds."""
    usernames = [account.username for account in DEMO_ACCOUNTS]
    return {
        "subdistricts": Subdistrict.objects.filter(code=SUBDISTRICT_CODE).count(),
        "communities": Community.objects.filter(
            code__in=[c[0] for c in COMMUNITIES]
        ).count(),
        "cooperatives": EconomicCooperative.objects.filter(
            code__in=[c[0] for c in COOPERATIVES]
        ).count(),
        "estates": Estate.objects.filter(code__in=[e[0] for e in ESTATES]).count(),
        "streets": Street.objects.filter(code__in=[s[0] for s in STREETS]).count(),
        "organisations": Organisation.objects.filter(
            name__in=ORGANISATION_NAMES.values()
        ).count(),
        "party_organisations": PartyOrganisation.objects.filter(
            name__in=[p.name for p in PARTY_ORGANISATIONS]
        ).count(),
        "committee_seats": CommitteeSeat.objects.filter(
            committee__community__code=COMMUNITY_CODE
        ).count(),
        "users": User.objects.filter(username__in=usernames).count(),
        "role_assignments": RoleAssignment.objects.filter(
            user__username__in=usernames
        ).count(),
        "liaisons": Liaison.objects.filter(user__username__in=usernames).count(),
    }


# --- The loader ------------------------------------------------------------------
class _Loader:
    def __init__(self) -> None:
        self.created: Counter[str] = Counter()
        self.places: dict[str, Any] = {}
        self.users: dict[str, User] = {}
        self.orgs: dict[str, Organisation] = {}

    def note(self, obj: Model) -> None:
        self.created[obj._meta.model_name or ""] += 1

    def place(
        self,
        model: type[Place],
        code: str,
        name: str,
        geometry: dict[str, Any],
        **fields: Any,
    ) -> Any:
        place = model._default_manager.filter(code=code).first()
        if place is None:
            place = model._default_manager.create(code=code, name=name, **fields)
            # Places have no creation service yet; record it as one would.
            audit_record(actor=None, action="place.create", obj=place)
            self.note(place)
        if place.geometry != geometry:
            place_set_geometry(place=place, geometry=geometry, actor=None)
        self.places[code] = place
        return place

    def load_places(self) -> None:
        code, name, geometry = SUBDISTRICT
        guicheng = self.place(Subdistrict, code, name, geometry)
        for code, name, geometry in COMMUNITIES:
            self.place(Community, code, name, geometry, subdistrict=guicheng)
        pingdong = self.places[COMMUNITY_CODE]
        for code, name, geometry in COOPERATIVES:
            self.place(EconomicCooperative, code, name, geometry, community=pingdong)
        for code, name, community, coop, geometry, address in ESTATES:
            self.place(
                Estate,
                code,
                name,
                geometry,
                address=address,
                community=self.places[community],
                cooperative=self.places[coop] if coop else None,
            )
        for code, name, coop, lat, west, east in STREETS:
            geometry = line((west, lat), (east, lat))
            self.place(
                Street,
                code,
                name,
                geometry,
                community=pingdong,
                cooperative=self.places[coop] if coop else None,
                length_m=line_length_m(geometry),
            )

    def load_users(self) -> None:
        for index, account in enumerate(DEMO_ACCOUNTS):
            user = User.objects.filter(username=account.username).first()
            if user is None:
                user = user_create(
                    actor=None,
                    username=account.username,
                    password=DEMO_PASSWORD,
                    display_name=account.display_name,
                    phone=demo_phone(index),
                    is_party_member=account.is_party_member,
                    validate=False,
                )
                self.note(user)
            self.users[account.username] = user

    def load_organisations(self) -> None:
        for spec in ORGANISATIONS:
            org = Organisation.objects.filter(name=spec.name).first()
            if org is None:
                org = organisation_create(
                    actor=None,
                    name=spec.name,
                    short_name=spec.short_name,
                    kind=spec.kind,
                    subdistrict=self.places[SUBDISTRICT_CODE],
                    community=self.places[spec.community] if spec.community else None,
                    address=spec.address,
                    phone=spec.phone,
                    founded_on=spec.founded_on,
                    is_active=spec.is_active,
                    party_instructor=self.users[spec.instructor]
                    if spec.instructor
                    else None,
                    estates=[self.places[code] for code in spec.estates],
                )
                self.note(org)
            self.orgs[spec.code] = org

    def load_roles(self) -> None:
        for account in DEMO_ACCOUNTS:
            user = self.users[account.username]
            scope = resolve_scope(account.scope)
            held = RoleAssignment.objects.filter(
                user=user, role=account.role, **_scope_filter(scope)
            )
            if not held.exists():
                self.note(
                    role_assign(actor=None, user=user, role=account.role, scope=scope)
                )

    def load_party(self) -> None:
        pingdong = self.places[COMMUNITY_CODE]
        party: dict[str, PartyOrganisation] = {}
        for spec in PARTY_ORGANISATIONS:
            party_org = PartyOrganisation.objects.filter(name=spec.name).first()
            if party_org is None:
                party_org = party_organisation_create(
                    actor=None,
                    name=spec.name,
                    type=spec.type,
                    host=self.orgs[spec.host] if spec.host else None,
                    parent=party[spec.parent] if spec.parent else None,
                    community=pingdong,
                    founded_on=spec.founded_on,
                    member_count=spec.member_count,
                    covered=[self.orgs[code] for code in spec.covered],
                )
                self.note(party_org)
            party[spec.name] = party_org

    def load_committee(self) -> None:
        pingdong = self.places[COMMUNITY_CODE]
        committee = CommunityCommittee.objects.filter(community=pingdong).first()
        if committee is None:
            committee = CommunityCommittee.objects.create(
                community=pingdong, name=COMMITTEE_NAME
            )
            # No creation service exists for committees yet.
            audit_record(actor=None, action="community_committee.create", obj=committee)
            self.note(committee)
        for username, kind, org_code, title in SEATS:
            holder = self.users[username]
            if committee.seats.filter(holder=holder, kind=kind).exists():
                continue
            self.note(
                committee_seat_assign(
                    actor=None,
                    committee=committee,
                    holder=holder,
                    kind=kind,
                    organisation=self.orgs[org_code] if org_code else None,
                    title=title,
                    term_start=TERM[0],
                    term_end=TERM[1],
                )
            )

    def load_liaisons(self) -> None:
        for username, org_code, title in LIAISONS:
            org, user = self.orgs[org_code], self.users[username]
            if not Liaison.objects.filter(organisation=org, user=user).exists():
                self.note(
                    liaison_add(
                        actor=None,
                        organisation=org,
                        user=user,
                        title=title,
                        is_primary=True,
                    )
                )


@transaction.atomic
def load_pingdong(*, stdout: Any = None) -> dict[str, int]:
    """Load the Pingdong data set (missing parts only); return its counts.

    The result has one entry per kind of object, plus ``created``: how many
    objects this run added (0 when everything was there already).
    """
    loader = _Loader()
    steps = [
        ("places", loader.load_places),
        ("demo accounts", loader.load_users),
        ("organisations", loader.load_organisations),
        ("roles", loader.load_roles),
        ("party organisations", loader.load_party),
        ("community committee", loader.load_committee),
        ("liaisons", loader.load_liaisons),
    ]
    for label, step in steps:
        before = sum(loader.created.values())
        step()
        if stdout is not None:
            added = sum(loader.created.values()) - before
            stdout.write(f"  Pingdong {label}: {added} added\n")
    summary = pingdong_summary()
    summary["created"] = sum(loader.created.values())
    return summary
