"""Every step of the case lifecycle, one endpoint per action.

Each endpoint parses its body, calls the one service the web page calls, and
answers with the case as it now is. Permission, state and input are checked by
the services, so the messages are the web pages' messages.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import File, Form, Router, UploadedFile

from gongzhi.cases import services
from gongzhi.cases.models import Case, Category
from gongzhi.cases.photos import ProcessedPhoto, process_photos
from gongzhi.cases.services.intake import MAX_PHOTOS
from gongzhi.orgs.models import Organisation

from ..auth import ApiRequest
from ..schemas import (
    AcceptIn,
    DecideReturnIn,
    DispatchIn,
    MergeIn,
    NoteIn,
    RateIn,
    ReasonIn,
    VerifyForm,
    Versioned,
)
from ..selectors import invalid_choice
from .common import ACTED, act

router = Router(tags=["case actions"])

Photos = list[UploadedFile] | None


def _photos(files: Photos) -> list[ProcessedPhoto]:
    if not files:
        return []
    if len(files) > MAX_PHOTOS:
        raise ValidationError(
            {"photos": _("At most %(max)s photos.") % {"max": MAX_PHOTOS}}
        )
    try:
        return process_photos(files)
    except ValidationError as exc:
        raise ValidationError({"photos": exc.messages}) from exc


def _unit(pk: int, field: str) -> Organisation:
    # Whether the unit may take the case (active, its community) is the
    # service's to say; here only an id that names no unit is refused.
    unit = Organisation.objects.filter(pk=pk).first()
    if unit is None:
        raise ValidationError({field: invalid_choice()})
    return unit


# --- From reported --------------------------------------------------------------------


@router.post("/{number}/actions/accept", response=ACTED, operation_id="case_accept")
def accept(request: ApiRequest, number: str, payload: AcceptIn) -> dict[str, Any]:
    """Accept a reported case (受理), optionally correcting category and urgency."""

    def run(case: Case, user: Any) -> object:
        category = None
        if payload.category is not None:
            category = Category.objects.filter(
                pk=payload.category, is_active=True
            ).first()
            if category is None:
                raise ValidationError({"category": invalid_choice()})
        return services.case_accept(
            case=case,
            actor=user,
            urgency=payload.urgency or None,
            category=category,
            note=payload.note,
            expected_version=payload.expected_version,
        )

    return act(request, number, run)


@router.post("/{number}/actions/reject", response=ACTED, operation_id="case_reject")
def reject(request: ApiRequest, number: str, payload: ReasonIn) -> dict[str, Any]:
    """Reject a report that is not a case for the community, with the reason."""
    return act(
        request,
        number,
        lambda case, user: services.case_reject(
            case=case,
            actor=user,
            reason=payload.reason,
            expected_version=payload.expected_version,
        ),
    )


@router.post("/{number}/actions/merge", response=ACTED, operation_id="case_merge")
def merge(request: ApiRequest, number: str, payload: MergeIn) -> dict[str, Any]:
    """Merge a duplicate into an open case (by its number)."""

    return act(
        request,
        number,
        lambda case, user: services.case_merge_by_number(
            case=case,
            into_number=payload.into,
            actor=user,
            note=payload.note,
            expected_version=payload.expected_version,
        ),
    )


@router.post(
    "/{number}/actions/self_resolve",
    response=ACTED,
    operation_id="case_self_resolve",
)
def self_resolve(
    request: ApiRequest,
    number: str,
    payload: Form[NoteIn],
    photos: Photos = File(None),  # noqa: B008
) -> dict[str, Any]:
    """Record that it was fixed on the spot (自办自结); multipart, with photos."""

    def run(case: Case, user: Any) -> object:
        return services.case_self_resolve(
            case=case,
            actor=user,
            note=payload.note,
            photos=_photos(photos),
            expected_version=payload.expected_version,
        )

    return act(request, number, run)


@router.post("/{number}/actions/withdraw", response=ACTED, operation_id="case_withdraw")
def withdraw(request: ApiRequest, number: str, payload: ReasonIn) -> dict[str, Any]:
    """The reporter withdraws the case before it is accepted."""
    return act(
        request,
        number,
        lambda case, user: services.case_withdraw(
            case=case,
            actor=user,
            reason=payload.reason,
            expected_version=payload.expected_version,
        ),
    )


# --- Dispatch and handling ------------------------------------------------------------


@router.post("/{number}/actions/dispatch", response=ACTED, operation_id="case_dispatch")
def dispatch(request: ApiRequest, number: str, payload: DispatchIn) -> dict[str, Any]:
    """Dispatch (派单) to a lead unit and assisting units; the clock starts."""

    def run(case: Case, user: Any) -> object:
        lead = _unit(payload.lead, "lead")
        assisting = [_unit(pk, "assisting") for pk in dict.fromkeys(payload.assisting)]
        return services.case_dispatch(
            case=case,
            actor=user,
            lead=lead,
            assisting=assisting,
            note=payload.note,
            expected_version=payload.expected_version,
        )

    return act(request, number, run)


@router.post(
    "/{number}/actions/acknowledge",
    response=ACTED,
    operation_id="case_acknowledge",
)
def acknowledge(request: ApiRequest, number: str, payload: Versioned) -> dict[str, Any]:
    """The lead unit signs for the case (签收)."""
    return act(
        request,
        number,
        lambda case, user: services.case_acknowledge(
            case=case, actor=user, expected_version=payload.expected_version
        ),
    )


@router.post(
    "/{number}/actions/request_return",
    response=ACTED,
    operation_id="case_request_return",
)
def request_return(
    request: ApiRequest, number: str, payload: ReasonIn
) -> dict[str, Any]:
    """The unit disputes that the case is theirs (退单)."""
    return act(
        request,
        number,
        lambda case, user: services.case_request_return(
            case=case,
            actor=user,
            reason=payload.reason,
            expected_version=payload.expected_version,
        ),
    )


@router.post(
    "/{number}/actions/decide_return",
    response=ACTED,
    operation_id="case_decide_return",
)
def decide_return(
    request: ApiRequest, number: str, payload: DecideReturnIn
) -> dict[str, Any]:
    """Staff approve a return (back for dispatch) or refuse it (with a note)."""
    return act(
        request,
        number,
        lambda case, user: services.case_decide_return(
            case=case,
            actor=user,
            approve=payload.approve,
            note=payload.note,
            expected_version=payload.expected_version,
        ),
    )


@router.post("/{number}/actions/start", response=ACTED, operation_id="case_start")
def start(request: ApiRequest, number: str, payload: NoteIn) -> dict[str, Any]:
    """The lead unit starts work on the case (处置)."""
    return act(
        request,
        number,
        lambda case, user: services.case_start(
            case=case,
            actor=user,
            note=payload.note,
            expected_version=payload.expected_version,
        ),
    )


@router.post("/{number}/actions/reply", response=ACTED, operation_id="case_reply")
def reply(
    request: ApiRequest,
    number: str,
    payload: Form[NoteIn],
    photos: Photos = File(None),  # noqa: B008
) -> dict[str, Any]:
    """The lead unit reports its result (回单); multipart, with photos."""

    def run(case: Case, user: Any) -> object:
        return services.case_reply(
            case=case,
            actor=user,
            note=payload.note,
            photos=_photos(photos),
            expected_version=payload.expected_version,
        )

    return act(request, number, run)


@router.post("/{number}/actions/escalate", response=ACTED, operation_id="case_escalate")
def escalate(request: ApiRequest, number: str, payload: NoteIn) -> dict[str, Any]:
    """Blow the whistle (吹哨): the case goes up to a higher unit."""
    return act(
        request,
        number,
        lambda case, user: services.case_escalate(
            case=case,
            actor=user,
            note=payload.note,
            expected_version=payload.expected_version,
        ),
    )


# --- Verification, rating, reopening, cancelling --------------------------------------


@router.post("/{number}/actions/verify", response=ACTED, operation_id="case_verify")
def verify(
    request: ApiRequest,
    number: str,
    payload: Form[VerifyForm],
    photos: Photos = File(None),  # noqa: B008
) -> dict[str, Any]:
    """Confirm the fix (ok=true) or send it back for rework; multipart."""

    def run(case: Case, user: Any) -> object:
        return services.case_verify(
            case=case,
            actor=user,
            ok=payload.ok,
            note=payload.note,
            photos=_photos(photos),
            expected_version=payload.expected_version,
        )

    return act(request, number, run)


@router.post("/{number}/actions/rate", response=ACTED, operation_id="case_rate")
def rate(request: ApiRequest, number: str, payload: RateIn) -> dict[str, Any]:
    """The reporter rates the result; the case closes."""
    return act(
        request,
        number,
        lambda case, user: services.case_rate(
            case=case,
            actor=user,
            solved=payload.solved,
            satisfaction=payload.satisfaction,
            comment=payload.comment,
        ),
    )


@router.post("/{number}/actions/reopen", response=ACTED, operation_id="case_reopen")
def reopen(request: ApiRequest, number: str, payload: NoteIn) -> dict[str, Any]:
    """Reopen a closed case for rework (发回重办)."""
    return act(
        request,
        number,
        lambda case, user: services.case_reopen(
            case=case,
            actor=user,
            note=payload.note,
            expected_version=payload.expected_version,
        ),
    )


@router.post("/{number}/actions/cancel", response=ACTED, operation_id="case_cancel")
def cancel(request: ApiRequest, number: str, payload: ReasonIn) -> dict[str, Any]:
    """An admin cancels an open case, with the reason."""
    return act(
        request,
        number,
        lambda case, user: services.case_cancel(
            case=case,
            actor=user,
            reason=payload.reason,
            expected_version=payload.expected_version,
        ),
    )
