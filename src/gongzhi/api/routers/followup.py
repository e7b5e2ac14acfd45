"""Beside the lifecycle: contact with the reporter, supervision, extensions."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from ninja import Path, Router, Status

from gongzhi.cases import services

from .. import presenters
from ..auth import ApiRequest
from ..errors import NotFound
from ..schemas import (
    MAX_ID,
    ContactIn,
    ExtensionDecisionIn,
    ExtensionOut,
    ExtensionRequestIn,
    error_responses,
)
from ..selectors import case_for
from .common import ACTED, act

router = Router(tags=["case follow-up"])


@router.post("/{number}/contact", response=ACTED, operation_id="case_contact")
def contact(request: ApiRequest, number: str, payload: ContactIn) -> dict[str, Any]:
    """The lead unit records that it contacted the reporter."""
    return act(
        request,
        number,
        lambda case, user: services.case_record_contact(
            case=case, actor=user, note=payload.note
        ),
    )


@router.post("/{number}/supervise", response=ACTED, operation_id="case_supervise")
def supervise(request: ApiRequest, number: str, payload: ContactIn) -> dict[str, Any]:
    """Place an open case under supervision (督办) by hand."""
    return act(
        request,
        number,
        lambda case, user: services.case_supervise(
            case=case, actor=user, note=payload.note
        ),
    )


@router.post(
    "/{number}/extension-requests",
    response={201: ExtensionOut, **error_responses(400, 401, 403, 404, 409)},
    operation_id="case_extension_request",
)
def extension_request(
    request: ApiRequest, number: str, payload: ExtensionRequestIn
) -> Status[dict[str, Any] | None]:
    """The lead unit asks for more working days (延期)."""
    case = case_for(number=number, user=request.auth)
    made = services.case_extension_request(
        case=case, actor=request.auth, days=payload.days, reason=payload.reason
    )
    return Status(201, presenters.extension(made))


@router.post(
    "/{number}/extension-requests/{request_id}/decision",
    response={200: ExtensionOut, **error_responses(400, 401, 403, 404, 409)},
    operation_id="case_extension_decide",
)
def extension_decide(
    request: ApiRequest,
    number: str,
    payload: ExtensionDecisionIn,
    request_id: int = Path(..., ge=1, le=MAX_ID),  # noqa: B008
) -> dict[str, Any] | None:
    """Staff approve (the deadline moves) or refuse an extension request."""
    case = case_for(number=number, user=request.auth)
    pending = case.extension_requests.filter(pk=request_id).first()
    if pending is None:
        raise NotFound(
            _("This case has no extension request %(id)s.") % {"id": request_id}
        )
    decided = services.case_extension_decide(
        request=pending, actor=request.auth, approve=payload.approve, note=payload.note
    )
    return presenters.extension(decided)
