"""Intake: every channel (web form, hotline, Open311, patrol) reports through here."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core.audit import audit_record
from gongzhi.core.geo import GeometryError
from gongzhi.places.models import Community, Street
from gongzhi.places.selectors import place_locate

from .. import notifications
from ..attributes import clean_attributes
from ..choices import OPEN_STATES, Action, Channel, Status, Urgency
from ..models import Case, Category, Supporter
from ..permissions import can_act
from ..photos import ProcessedPhoto, save_photos
from .base import apply, lock, record_event, require

MAX_DESCRIPTION = 4000
MAX_PHOTOS = 3


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Reported:
    case: Case
    token: str  # shown once to the reporter: number + token open the tracking page


def _new_number(now: dt.datetime) -> str:
    return f"{timezone.localtime(now):%y%m%d}-{secrets.randbelow(10**6):06d}"


def _insert_numbered(case: Case, now: dt.datetime) -> None:
    """Insert ``case`` under a new random number, drawing again on a collision."""
    for _attempt in range(5):
        case.number = _new_number(now)
        try:
            with transaction.atomic():
                case.save()
            return
        except IntegrityError:
            if Case.objects.filter(number=case.number).exists():
                continue
            raise
    raise IntegrityError("no free case number after 5 draws")


def _locate(
    *,
    lat: float | None,
    lng: float | None,
    street: Street | None,
    community: Community | None,
) -> dict[str, Any]:
    if (lat is None) != (lng is None):
        raise ValidationError(
            {"location": _("Give both the latitude and the longitude.")}
        )
    if (
        street is not None
        and community is not None
        and street.community_id != community.pk
    ):
        raise ValidationError(
            {"street": _("This street is not in the community you chose.")}
        )
    if lat is not None and lng is not None:
        try:
            where = place_locate(lat=lat, lng=lng)
        except GeometryError as exc:
            raise ValidationError({"location": str(exc)}) from exc
        if not where.found:
            raise ValidationError(
                {
                    "location": _(
                        "This location is outside every community served here. "
                        "Pick a point inside the community, or choose a street."
                    )
                }
            )
        if street is not None and street.community != where.community:
            raise ValidationError(
                {
                    "street": _(
                        "This street is not in the community at the point on the map."
                    )
                }
            )
        return {
            "community": where.community,
            "cooperative": where.cooperative,
            "estate": where.estate,
            "street": street or where.street,
        }
    if street is not None:
        return {
            "community": street.community,
            "cooperative": street.cooperative,
            "estate": None,
            "street": street,
        }
    if community is not None:
        return {
            "community": community,
            "cooperative": None,
            "estate": None,
            "street": None,
        }
    raise ValidationError(
        {
            "location": _(
                "Say where the problem is: click the map, pick a street, "
                "or choose the community and give the address."
            )
        }
    )


def case_report(
    *,
    category: Category,
    description: str,
    channel: str = Channel.WEB,
    attributes: dict[str, Any] | None = None,
    lat: float | None = None,
    lng: float | None = None,
    street: Street | None = None,
    community: Community | None = None,
    address: str = "",
    photos: Sequence[ProcessedPhoto] = (),
    reporter: Any = None,
    reporter_name: str = "",
    reporter_phone: str = "",
    reporter_email: str = "",
    is_anonymous: bool = False,
    contact_consent: bool = False,
    urgency: str | None = None,
    entered_by: Any = None,
    external_id: str = "",
    now: dt.datetime | None = None,
) -> Reported:
    """Create a case in REPORTED and return it with the reporter's tracking token.

    ``contact_consent`` says the reporter agreed to be contacted by the phone or
    e-mail given; it is recorded (with the time) only when one was given.

    Raise ValidationError (with field keys) for anything the reporter must fix.
    """
    errors: dict[str, Any] = {}
    if not category.is_active:
        errors["category"] = _("This category is no longer in use; choose another.")
    description = (description or "").strip()
    if not description:
        errors["description"] = _("Describe the problem.")
    elif len(description) > MAX_DESCRIPTION:
        errors["description"] = _(
            "The description is %(length)s characters long; "
            "at most %(max)s are allowed."
        ) % {"length": len(description), "max": MAX_DESCRIPTION}
    if len(photos) > MAX_PHOTOS:
        errors["photos"] = _("At most %(max)s photos.") % {"max": MAX_PHOTOS}
    try:
        cleaned = clean_attributes(category, attributes or {})
    except ValidationError as exc:
        errors["attributes"] = exc.messages
        cleaned = {}
    try:
        place = _locate(lat=lat, lng=lng, street=street, community=community)
    except ValidationError as exc:
        errors.update(exc.message_dict)
        place = {}
    if urgency is not None and urgency not in Urgency.values:
        errors["urgency"] = _("Unknown urgency.")
    texts = {
        "description": description,
        "address": address,
        "reporter_name": reporter_name,
        "reporter_phone": reporter_phone,
        "reporter_email": reporter_email,
        "external_id": external_id,
    }
    for field, text in texts.items():
        # PostgreSQL refuses NUL in text. Forms catch it with this validator and
        # message; other channels (Open311, import) reach the service directly.
        if "\x00" in (text or "") and field not in errors:
            errors[field] = str(ProhibitNullCharactersValidator.message)
    if errors:
        raise ValidationError(errors)

    now = now or timezone.now()
    token = secrets.token_urlsafe(16)
    authenticated = reporter is not None and getattr(
        reporter, "is_authenticated", False
    )
    case = Case(
        token_hash=token_hash(token),
        category=category,
        description=description,
        attributes=cleaned,
        urgency=urgency or category.default_urgency,
        channel=channel,
        lat=lat,
        lng=lng,
        address=address.strip()[:200],
        reporter=reporter if authenticated else None,
        reporter_name=reporter_name.strip()[:50],
        reporter_phone=reporter_phone.strip(),
        reporter_email=reporter_email.strip(),
        is_anonymous=is_anonymous,
        contact_consent_at=now
        if contact_consent and (reporter_phone.strip() or reporter_email.strip())
        else None,
        entered_by=entered_by
        if getattr(entered_by, "is_authenticated", False)
        else None,
        external_id=external_id[:64],
        reported_at=now,
        **place,
    )
    # Field checks only (lengths, e-mail): the related objects were given as
    # instances, so the foreign-key lookups full_clean() would add are skipped.
    case.clean_fields(
        exclude=[
            "number",
            "token_hash",
            "category",
            "community",
            "cooperative",
            "estate",
            "street",
            "reporter",
            "entered_by",
            "lead_unit",
            "merged_into",
        ]
    )
    # Everything above only reads; the write lock (SQLite takes it at BEGIN) is
    # held just for the inserts below.
    with transaction.atomic():
        _insert_numbered(case, now)
        event = record_event(
            case,
            action="report",
            actor=reporter or entered_by,
            to_status=Status.REPORTED,
            at=now,
            data={
                "channel": channel,
                "contact_consent": case.contact_consent_at is not None,
            },
        )
        save_photos(case, photos, event=event)
        audit_record(actor=entered_by or reporter, action="case.report", obj=case)
        notifications.case_event_notify(case, event, token=token)
    return Reported(case=case, token=token)


def case_check_token(case: Case, token: str) -> bool:
    """Return whether ``token`` is the reporter's tracking token for ``case``."""
    return bool(token) and secrets.compare_digest(case.token_hash, token_hash(token))


@transaction.atomic
def case_edit_by_reporter(
    *,
    case: Case,
    actor: Any,
    token: str = "",
    description: str,
    expected_version: int | None = None,
) -> Case:
    """Let the reporter change the description before the case is accepted."""
    case = lock(case, expected_version)
    require(can_act(actor, case, Action.WITHDRAW) or case_check_token(case, token))
    if case.status != Status.REPORTED:
        raise ValidationError(
            _("The case has been accepted and can no longer be edited.")
        )
    description = (description or "").strip()
    if not description or len(description) > MAX_DESCRIPTION:
        raise ValidationError(
            {
                "description": _("Describe the problem in at most %(max)s characters.")
                % {"max": MAX_DESCRIPTION}
            }
        )
    if "\x00" in description:
        raise ValidationError(
            {"description": str(ProhibitNullCharactersValidator.message)}
        )
    before = case.description
    case.description = description
    case.version += 1
    case.save(update_fields=["description", "version", "updated_at"])
    record_event(
        case, action="edit", actor=actor, note=_("The reporter edited the description.")
    )
    audit_record(
        actor=actor,
        action="case.edit",
        obj=case,
        changes={"description": [before, description]},
    )
    return case


@transaction.atomic
def case_withdraw(
    *,
    case: Case,
    actor: Any,
    token: str = "",
    reason: str = "",
    expected_version: int | None = None,
) -> Case:
    """Let the reporter withdraw the case before it is accepted."""
    case = lock(case, expected_version)
    if not (can_act(actor, case, Action.WITHDRAW) or case_check_token(case, token)):
        raise PermissionDenied(_("Only the reporter can withdraw a case."))
    apply(
        case,
        Action.WITHDRAW,
        actor=actor,
        note=reason.strip() or _("Withdrawn by the reporter."),
        check_permission=False,
    )
    return case


@transaction.atomic
def case_support(*, case: Case, user: Any = None, fingerprint: str = "") -> bool:
    """Add a "me too" to an open case; return False if this person already had."""
    case = lock(case, None)
    if case.status not in OPEN_STATES:
        raise ValidationError(
            _("This case is finished; report the problem anew if it is back.")
        )
    authenticated = user is not None and getattr(user, "is_authenticated", False)
    if authenticated and case.reporter_id == user.pk:
        raise ValidationError(_("You reported this case yourself."))
    if not authenticated and not fingerprint:
        raise ValidationError(
            _("Cannot tell who you are; enable cookies and try again.")
        )
    lookup = {"user": user} if authenticated else {"fingerprint": fingerprint}
    _supporter, created = Supporter.objects.get_or_create(case=case, **lookup)
    if created:
        case.supporter_count = case.supporters.count()
        case.save(update_fields=["supporter_count", "updated_at"])
        record_event(case, action="support", actor=user, note="+1")
    return created
