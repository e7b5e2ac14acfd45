"""Request and response shapes of the staff JSON API (documented in OpenAPI).

Requests are checked for shape here (types, ranges, no NUL characters, as a
Django form would); what a value means is checked by the services, so that the
API gives the same messages as the web pages.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.core.validators import ProhibitNullCharactersValidator
from ninja import Field, Schema
from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

from gongzhi.cases.choices import Satisfaction, Solved, Urgency

# Database integer ranges: larger ids or versions cannot exist.
MAX_ID = 2**63 - 1
MAX_INT = 2**31 - 1


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise PydanticCustomError(
            "null_character", str(ProhibitNullCharactersValidator.message)
        )
    return value


Text = Annotated[str, AfterValidator(_no_nul)]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Version = Annotated[int, Field(ge=1, le=MAX_INT)]
Latitude = Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False)]
Longitude = Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False)]
AttributeValue = Text | int | float | list[Text]


def _choices(values: list[str], text: str, default: Any = None) -> Any:
    """Document the choices; the service checks them and says what is wrong."""
    return Field(
        default,
        json_schema_extra={"enum": values},  # type: ignore[dict-item]
        description=text,
    )


# --- Shared pieces --------------------------------------------------------------------


class Ref(Schema):
    id: int
    name: str


class CategoryRef(Schema):
    id: int
    code: str
    name: str


class Choice(Schema):
    value: str
    label: str


class PhotoOut(Schema):
    id: int
    url: str
    thumbnail_url: str
    width: int
    height: int


# --- Cases ----------------------------------------------------------------------------


class CaseSummary(Schema):
    number: str
    title: str
    description: str
    status: Choice
    urgency: Choice
    channel: Choice
    category: CategoryRef
    community: Ref
    street: Ref | None
    address: str
    lead_unit: Ref | None
    reported_at: dt.datetime
    resolve_due_at: dt.datetime | None
    is_overdue: bool
    under_supervision: bool
    version: int


class CasePage(Schema):
    count: int = Field(description="Cases matching the filters, on every page.")
    page: int
    page_size: int
    items: list[CaseSummary]


class ReporterOut(Schema):
    name: str
    phone: str
    email: str
    is_anonymous: bool
    has_account: bool
    masked: bool = Field(
        description="True when the details are masked for this user (PIPL)."
    )


class AssignmentOut(Schema):
    unit: Ref
    role: Choice
    dispatched_at: dt.datetime
    acknowledged_at: dt.datetime | None
    ended_at: dt.datetime | None


class ExtensionOut(Schema):
    id: int
    days: int
    reason: str
    status: Choice
    requested_at: dt.datetime
    requested_by: str
    decided_at: dt.datetime | None
    decision_note: str


class CaseDetail(CaseSummary):
    attributes: dict[str, Any]
    lat: float | None
    lng: float | None
    cooperative: Ref | None
    estate: Ref | None
    reporter: ReporterOut
    merged_into: str | None
    accepted_at: dt.datetime | None
    dispatched_at: dt.datetime | None
    acknowledged_at: dt.datetime | None
    contacted_at: dt.datetime | None
    replied_at: dt.datetime | None
    closed_at: dt.datetime | None
    signoff_due_at: dt.datetime | None
    contact_due_at: dt.datetime | None
    extension_days: int
    supervision_reason: str
    reopen_count: int
    unit_count: int
    supporter_count: int
    assignments: list[AssignmentOut]
    pending_extension: ExtensionOut | None
    allowed_actions: list[str] = Field(
        description="What this user may do now: the names of the POST endpoints "
        "under /actions/, and contact, extension_request, extension_decision, "
        "supervise."
    )


class EventOut(Schema):
    id: int
    at: dt.datetime
    action: str
    actor: str
    from_status: str
    to_status: str
    note: str
    is_public: bool
    data: dict[str, Any]
    photos: list[PhotoOut]


class CaseFilters(Schema):
    """The filters of the HTML case lists (gongzhi.cases.filters), plus paging."""

    q: Text | None = Field(None, description="Case number or words.")
    status: Text | None = Field(
        None, description="A status, or “open” for every open state."
    )
    category: Id | None = None
    community: Id | None = None
    street: Id | None = None
    urgency: Text | None = None
    channel: Text | None = None
    overdue: bool = False
    supervised: bool | None = None
    reported_from: dt.date | None = None
    reported_to: dt.date | None = None
    sort: Text | None = Field(None, description="deadline (default), newest, oldest.")
    page: int = Field(1, ge=1, le=1_000_000)
    page_size: int = Field(50, ge=1, le=200)


class CaseCreateIn(Schema):
    """A case taken by telephone (hotline) and entered by community staff."""

    category: Id
    description: Text = ""
    lat: Latitude | None = None
    lng: Longitude | None = None
    street: Id | None = None
    community: Id | None = None
    address: Text = ""
    reporter_name: Text = ""
    reporter_phone: Text = ""
    reporter_email: Text = ""
    is_anonymous: bool = False
    contact_consent: bool = Field(
        default=False,
        description="The caller agreed to be contacted by the phone or e-mail given.",
    )
    urgency: Text | None = _choices(list(Urgency.values), "Default: the category's.")
    attributes: dict[Text, AttributeValue] = Field(
        default_factory=dict, description="Answers to the category's questions."
    )


# --- Actions --------------------------------------------------------------------------


class Versioned(Schema):
    expected_version: Version | None = Field(
        None,
        description="The version the caller last saw; a newer one gives 409.",
    )


class AcceptIn(Versioned):
    urgency: Text | None = _choices(list(Urgency.values), "Correct the urgency.")
    category: Id | None = Field(None, description="Correct the category.")
    note: Text = ""


class ReasonIn(Versioned):
    reason: Text = ""


class NoteIn(Versioned):
    note: Text = ""


class MergeIn(Versioned):
    into: Text = Field("", description="Number of the open case to merge into.")
    note: Text = ""


class DispatchIn(Versioned):
    lead: Id
    assisting: list[Id] = Field(default_factory=list)
    note: Text = ""


class DecideReturnIn(Versioned):
    approve: bool
    note: Text = ""


class VerifyForm(Versioned):
    ok: bool
    note: Text = ""


class RateIn(Schema):
    solved: Text = _choices(list(Solved.values), "Was it solved?", "")
    satisfaction: Text = _choices(list(Satisfaction.values), "How satisfied?", "")
    comment: Text = ""


class ContactIn(Schema):
    note: Text = ""


class ExtensionRequestIn(Schema):
    days: int = Field(ge=-MAX_INT, le=MAX_INT)
    reason: Text = ""


class ExtensionDecisionIn(Schema):
    approve: bool
    note: Text = ""


# --- Reference data -------------------------------------------------------------------


class AttributeChoiceOut(Schema):
    key: str
    name: str


class AttributeOut(Schema):
    code: str
    datatype: str
    question: str
    required: bool
    order: int
    values: list[AttributeChoiceOut]


class CategoryOut(Schema):
    id: int
    code: str
    name: str
    group: str
    description: str
    default_urgency: str
    attributes: list[AttributeOut]


class UnitFilters(Schema):
    community: int | None = Field(
        None, ge=1, le=MAX_ID, description="Units a case in this community can go to."
    )


class UnitOut(Schema):
    id: int
    name: str
    short_name: str
    kind: Choice
    community: Ref | None


class RoleOut(Schema):
    role: Choice
    scope_kind: str
    scope_id: int | None
    scope_name: str


class MeOut(Schema):
    id: int
    username: str
    name: str
    roles: list[RoleOut]
    units: list[Ref]


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] | None = Field(
        None, description="Messages by field; “__all__” for the request as a whole."
    )


def error_responses(*codes: int) -> dict[int, type[ErrorOut]]:
    return dict.fromkeys(codes, ErrorOut)


def translated_choice(value: str, label: Any) -> dict[str, str]:
    return {"value": value, "label": str(label)}
