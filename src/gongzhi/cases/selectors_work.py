"""Reads behind the work pages: handler inbox, staff console, case page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from gongzhi.accounts.choices import Role
from gongzhi.accounts.permissions import active_assignments, has_role
from gongzhi.core.audit import audit_read
from gongzhi.core.masking import mask_email, mask_name, mask_phone
from gongzhi.orgs.models import Organisation
from gongzhi.places.models import Community, Street

from .attributes import category_questions
from .choices import OPEN_STATES, AttributeType, ExtensionStatus, Status
from .filters import overdue_q
from .models import Case, CaseEvent, CasePhoto, ExtensionRequest, HandlingAssignment
from .permissions import can_view_reporter_contact, unit_ids

CONSOLE_ROLES = (Role.STAFF, Role.LEADER, Role.ADMIN)
LIST_RELATED = ("category", "community", "street", "lead_unit")


def _pending_extension() -> Exists:
    return Exists(
        ExtensionRequest.objects.filter(
            case=OuterRef("pk"), status=ExtensionStatus.PENDING
        )
    )


# --- Handler inbox ---------------------------------------------------------------


def inbox_units(user: Any) -> list[Organisation]:
    """Return the organisations whose cases the user handles."""
    return list(Organisation.objects.filter(pk__in=unit_ids(user)).order_by("name"))


def inbox_cases(*, units: Iterable[int]) -> QuerySet[Case]:
    """Return the cases on which one of ``units`` currently leads or assists.

    Each case carries ``unit_role`` (lead before assisting) and
    ``has_pending_extension``.
    """
    ids = list(units)
    active = HandlingAssignment.objects.filter(
        case=OuterRef("pk"), organisation_id__in=ids, ended_at__isnull=True
    )
    return (
        Case.objects.filter(Exists(active))
        .annotate(
            unit_role=Subquery(active.order_by("-role").values("role")[:1]),
            has_pending_extension=_pending_extension(),
        )
        .select_related(*LIST_RELATED)
    )


def status_counts(cases: QuerySet[Case]) -> dict[str, int]:
    """Return the number of ``cases`` in each status, in one query."""
    rows = cases.order_by().values("status").annotate(n=Count("pk"))
    return {row["status"]: row["n"] for row in rows}


# --- Staff console ---------------------------------------------------------------


def console_scope(user: Any) -> Q | None:
    """Return the cases staff and leaders oversee as a filter; None if none."""
    if has_role(user, Role.ADMIN):
        return Q()
    scope: Q | None = None
    for assignment in active_assignments(user):
        if assignment.role not in (Role.STAFF, Role.LEADER):
            continue
        if assignment.community_id:
            part = Q(community_id=assignment.community_id)
        elif assignment.subdistrict_id:
            part = Q(community__subdistrict_id=assignment.subdistrict_id)
        elif assignment.cooperative_id:
            # Matches is_case_staff: a cooperative covers the streets inside it.
            part = Q(street__cooperative_id=assignment.cooperative_id)
        else:
            continue
        scope = part if scope is None else scope | part
    return scope


def console_cases(*, scope: Q) -> QuerySet[Case]:
    """Return the cases within ``scope`` with what the console lists need."""
    return (
        Case.objects.filter(scope)
        .annotate(has_pending_extension=_pending_extension())
        .select_related(*LIST_RELATED)
    )


@dataclass(frozen=True)
class Queue:
    code: str
    label: Promise
    condition: Callable[[dt.datetime], Q]
    # A queue that should be empty: shown in red while it is not.
    alert: bool = False


QUEUES: list[Queue] = [
    Queue("new", _("New reports"), lambda now: Q(status=Status.REPORTED)),
    Queue(
        "dispatch",
        _("Awaiting dispatch"),
        lambda now: Q(status__in=[Status.ACCEPTED, Status.ESCALATED, Status.REOPENED]),
    ),
    Queue(
        "returns", _("Return requests"), lambda now: Q(status=Status.RETURN_REQUESTED)
    ),
    Queue("verifying", _("Being verified"), lambda now: Q(status=Status.VERIFYING)),
    Queue(
        "reopen",
        _("Reopen requested"),
        lambda now: Q(status=Status.CLOSED, reopen_requested=True),
        alert=True,
    ),
    Queue(
        "extensions",
        _("Extension requests"),
        lambda now: Q(_pending_extension()),
    ),
    Queue("overdue", _("Overdue"), overdue_q, alert=True),
    Queue(
        "supervised",
        _("Under supervision"),
        lambda now: Q(under_supervision=True, status__in=OPEN_STATES),
        alert=True,
    ),
    Queue("all", _("All cases"), lambda now: Q()),
]
QUEUE_BY_CODE = {queue.code: queue for queue in QUEUES}


def queue_counts(cases: QuerySet[Case], *, now: dt.datetime) -> dict[str, int]:
    """Return how many of ``cases`` each queue holds, in one query."""
    return cases.order_by().aggregate(
        **{queue.code: Count("pk", filter=queue.condition(now)) for queue in QUEUES}
    )


def console_communities(user: Any) -> QuerySet[Community]:
    """Return the communities in which the user may enter cases for residents."""
    if has_role(user, Role.ADMIN):
        return Community.objects.all()
    mine = [a for a in active_assignments(user) if a.role == Role.STAFF]
    return Community.objects.filter(
        Q(pk__in=[a.community_id for a in mine if a.community_id])
        | Q(subdistrict_id__in=[a.subdistrict_id for a in mine if a.subdistrict_id])
    )


def console_dispatch_units(user: Any) -> QuerySet[Organisation]:
    """Return the units the user may dispatch cases in their scope to."""
    if has_role(user, Role.ADMIN):
        return dispatch_units(communities=None)
    mine = [a for a in active_assignments(user) if a.role == Role.STAFF]
    communities = Community.objects.filter(
        Q(pk__in=[a.community_id for a in mine if a.community_id])
        | Q(subdistrict_id__in=[a.subdistrict_id for a in mine if a.subdistrict_id])
        | Q(cooperatives__in=[a.cooperative_id for a in mine if a.cooperative_id])
    ).distinct()
    return dispatch_units(communities=communities)


def console_streets(user: Any) -> QuerySet[Street]:
    """Return the streets inside the user's staff scope."""
    if has_role(user, Role.ADMIN):
        return Street.objects.select_related("community")
    mine = [a for a in active_assignments(user) if a.role in (Role.STAFF, Role.LEADER)]
    return Street.objects.filter(
        Q(community_id__in=[a.community_id for a in mine if a.community_id])
        | Q(
            community__subdistrict_id__in=[
                a.subdistrict_id for a in mine if a.subdistrict_id
            ]
        )
        | Q(cooperative_id__in=[a.cooperative_id for a in mine if a.cooperative_id])
    ).select_related("community")


def dispatch_units(
    *, communities: Iterable[Community] | None
) -> QuerySet[Organisation]:
    """Return the active units a case in ``communities`` can go to (None: all).

    A unit belongs to a community, or serves the whole subdistrict (a department).
    """
    units = Organisation.objects.filter(is_active=True).order_by("kind", "name")
    if communities is None:
        return units
    if isinstance(communities, QuerySet):
        subdistricts: Any = communities.values("subdistrict_id")
    else:
        communities = list(communities)
        subdistricts = {c.subdistrict_id for c in communities}
    return units.filter(
        Q(community__in=communities)
        | Q(community__isnull=True, subdistrict_id__in=subdistricts)
    )


# --- Case page -------------------------------------------------------------------


def reporter_contact(*, user: Any, case: Case) -> dict[str, Any]:
    """Return the reporter's name, phone and e-mail for ``user`` to see.

    Unmasked for those allowed (and the read written to the audit log), masked
    for everyone else; the name of an anonymous reporter is never given.
    """
    account = case.reporter
    name = (
        ""
        if case.is_anonymous
        else (case.reporter_name or (account.display_name if account else ""))
    )
    phone = case.reporter_phone or (account.phone if account else "")
    email = case.reporter_email or (account.email if account else "")
    if can_view_reporter_contact(user, case):
        shown = {"name": name, "phone": phone, "email": email}
        read = [f"reporter_{key}" for key, value in shown.items() if value]
        if read:
            audit_read(actor=user, obj=case, fields=read)
        return {**shown, "masked": False}
    return {
        "name": mask_name(name),
        "phone": mask_phone(phone),
        "email": mask_email(email),
        "masked": True,
    }


@dataclass
class CasePage:
    """What the case page shows besides the case itself."""

    assignments: list[HandlingAssignment]
    past_assignments: list[HandlingAssignment]
    pending_extension: ExtensionRequest | None
    photos: list[CasePhoto]
    merged_cases: list[Case]
    answers: list[tuple[str, str]] = field(default_factory=list)
    events: list[CaseEvent] = field(default_factory=list)


def _answer_text(attribute: Any, value: Any) -> str:
    if attribute.datatype in (AttributeType.SINGLE, AttributeType.MULTI):
        keys = value if isinstance(value, list) else [value]
        return "、".join(attribute.value_name(str(k)) for k in keys)
    return str(value)


def case_page(*, case: Case) -> CasePage:
    """Return the assignments, photos, answers and timeline of ``case``."""
    assignments = list(
        case.assignments.select_related("organisation").order_by(
            "-dispatched_at", "role", "pk"
        )
    )
    questions = {a.code: a for a in category_questions(case.category)}
    answers = [
        (questions[code].question, _answer_text(questions[code], value))
        for code, value in (case.attributes or {}).items()
        if code in questions
    ]
    events = list(
        case.events.select_related("actor")
        .prefetch_related("photos")
        .order_by("at", "id")
    )
    unit_ids_seen = {
        pk
        for event in events
        if event.action == "dispatch"
        for pk in [event.data.get("lead"), *event.data.get("assisting", [])]
        if pk
    }
    names = {o.pk: str(o) for o in Organisation.objects.filter(pk__in=unit_ids_seen)}
    for event in events:
        if event.action == "dispatch":
            lead = names.get(event.data.get("lead"), "")
            helpers = [names.get(pk, "") for pk in event.data.get("assisting", [])]
            event.units_label = lead + (  # type: ignore[attr-defined]
                f" + {'、'.join(helpers)}" if helpers else ""
            )
    return CasePage(
        assignments=[a for a in assignments if a.ended_at is None],
        past_assignments=[a for a in assignments if a.ended_at is not None],
        pending_extension=case.extension_requests.filter(status=ExtensionStatus.PENDING)
        .select_related("requested_by")
        .first(),
        photos=list(
            case.photos.filter(Q(event__isnull=True) | Q(event__action="report"))
        ),
        merged_cases=list(case.merged_cases.only("number", "pk")),
        answers=answers,
        events=events,
    )
