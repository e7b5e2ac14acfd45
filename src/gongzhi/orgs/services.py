"""Services that change organisations and the party-led structure."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gongzhi.core.audit import audit_record

from .choices import SeatKind
from .models import (
    CommitteeSeat,
    CommunityCommittee,
    Liaison,
    Organisation,
    PartyOrganisation,
)


@transaction.atomic
def organisation_create(*, actor: Any, **fields: Any) -> Organisation:
    """Create an organisation after validating it."""
    org = Organisation(**{k: v for k, v in fields.items() if k != "estates"})
    org.full_clean()
    org.save()
    if fields.get("estates"):
        org.estates.set(fields["estates"])
    audit_record(actor=actor, action="organisation.create", obj=org)
    return org


@transaction.atomic
def party_organisation_create(
    *, actor: Any, covered: list[Organisation] | None = None, **fields: Any
) -> PartyOrganisation:
    """Create a party organisation, hosted by an organisation or covering several."""
    party_org = PartyOrganisation(**fields)
    party_org.full_clean()
    party_org.save()
    if covered:
        party_org.covered.set(covered)
    audit_record(actor=actor, action="party_organisation.create", obj=party_org)
    return party_org


@transaction.atomic
def committee_seat_assign(
    *,
    actor: Any,
    committee: CommunityCommittee,
    holder: Any,
    kind: str,
    term_start: dt.date,
    organisation: Organisation | None = None,
    title: str = "",
    term_end: dt.date | None = None,
) -> CommitteeSeat:
    """Give ``holder`` a committee seat; a part-time seat names its organisation."""
    if kind == SeatKind.PART_TIME and organisation is None:
        raise ValidationError(
            _("A part-time member must represent an organisation."),
            code="no_organisation",
        )
    if term_end is not None and term_end < term_start:
        raise ValidationError(_("The term cannot end before it starts."), code="term")
    seat = CommitteeSeat.objects.create(
        committee=committee,
        holder=holder,
        kind=kind,
        title=title,
        organisation=organisation,
        term_start=term_start,
        term_end=term_end,
    )
    audit_record(actor=actor, action="committee_seat.assign", obj=seat)
    return seat


@transaction.atomic
def liaison_add(
    *,
    actor: Any,
    organisation: Organisation,
    user: Any,
    title: str = "",
    is_primary: bool = False,
) -> Liaison:
    """Make ``user`` a liaison of ``organisation`` (the primary one if asked)."""
    if is_primary:
        organisation.liaisons.filter(is_primary=True).update(is_primary=False)
    liaison, _created = Liaison.objects.update_or_create(
        organisation=organisation,
        user=user,
        defaults={"title": title, "is_primary": is_primary},
    )
    audit_record(actor=actor, action="liaison.add", obj=liaison)
    return liaison
