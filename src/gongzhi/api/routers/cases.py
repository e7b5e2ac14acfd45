"""Case lists, one case, its timeline, and cases entered by hotline staff."""

from __future__ import annotations

import mimetypes
from typing import Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status

from gongzhi.accounts.choices import Role
from gongzhi.accounts.permissions import has_role
from gongzhi.cases.choices import Channel
from gongzhi.cases.models import Category
from gongzhi.cases.permissions import is_case_staff
from gongzhi.cases.selectors import case_timeline
from gongzhi.cases.selectors_work import console_communities, console_streets
from gongzhi.cases.services import case_report

from .. import presenters
from ..auth import ApiRequest
from ..errors import NotFound
from ..schemas import (
    MAX_ID,
    CaseCreateIn,
    CaseDetail,
    CaseFilters,
    CasePage,
    EventOut,
    error_responses,
)
from ..selectors import case_for, case_list, invalid_choice, works_on
from .common import fresh_detail

router = Router(tags=["cases"])


@router.get(
    "",
    response={200: CasePage, **error_responses(400, 401)},
    operation_id="case_list",
    summary="List the cases you may see",
)
def list_cases(request: ApiRequest, filters: Query[CaseFilters]) -> dict[str, Any]:
    """Cases visible to you (staff scope, your units, your streets, your
    reports), with the filters of the HTML lists, a page at a time."""
    wanted = filters.dict()
    page, size = wanted.pop("page"), wanted.pop("page_size")
    cases = case_list(user=request.auth, filters=wanted)
    count = cases.count()
    items = list(cases[(page - 1) * size : page * size]) if count else []
    return {
        "count": count,
        "page": page,
        "page_size": size,
        "items": [presenters.case_summary(case) for case in items],
    }


@router.get(
    "/{number}",
    response={200: CaseDetail, **error_responses(401, 403, 404)},
    operation_id="case_get",
    summary="One case, with the actions you may take",
)
def get_case(request: ApiRequest, number: str) -> dict[str, Any]:
    """The reporter's contact details are masked unless you may see them; an
    unmasked read is audited."""
    case = case_for(number=number, user=request.auth)
    return presenters.case_detail(case, request.auth)


@router.get(
    "/{number}/events",
    response={200: list[EventOut], **error_responses(401, 403, 404)},
    operation_id="case_events",
    summary="The case's timeline, oldest first",
)
def list_events(request: ApiRequest, number: str) -> list[dict[str, Any]]:
    """Those who work on the case see every event; its reporter the public ones."""
    case = case_for(number=number, user=request.auth)
    public_only = not works_on(request.auth, case)
    return [
        presenters.event(e, number=case.number, public_only=public_only)
        for e in case_timeline(case=case, public_only=public_only)
    ]


@router.get(
    "/{number}/photos/{photo_id}",
    response={200: None, **error_responses(400, 401, 403, 404)},
    operation_id="case_photo",
    url_name="case_photo",
    summary="A photo of the case (JPEG, PNG or WebP), or its thumbnail",
    openapi_extra={
        "responses": {
            200: {
                "description": "The image",
                "content": {
                    "image/*": {"schema": {"type": "string", "format": "binary"}}
                },
            }
        }
    },
)
def get_photo(
    request: ApiRequest,
    number: str,
    photo_id: int = Path(..., ge=1, le=MAX_ID),  # noqa: B008
    size: Literal["full", "thumb"] = "full",
) -> FileResponse:
    """Photos are kept out of the public media folder; this sends one to
    whoever may see the case (its reporter: the public ones only)."""
    case = case_for(number=number, user=request.auth)
    photos = case.photos.all()
    if not works_on(request.auth, case):
        photos = photos.filter(is_public=True)
    record = photos.filter(pk=photo_id).first()
    if record is None:
        raise NotFound(_("This case has no photo %(id)s.") % {"id": photo_id})
    image = record.thumbnail if size == "thumb" else record.image
    try:
        handle = image.open("rb")
    except (OSError, ValueError):
        raise NotFound(_("This case has no photo %(id)s.") % {"id": photo_id}) from None
    kind = mimetypes.guess_type(image.name)[0] or "application/octet-stream"
    response = FileResponse(handle, content_type=kind)
    response["Cache-Control"] = "private, max-age=3600"
    return response


def _chosen(queryset: Any, pk: int | None, field: str) -> Any:
    """Return the object ``pk`` of ``queryset`` (the form's choices), or None."""
    if pk is None:
        return None
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise ValidationError({field: invalid_choice()})
    return found


@router.post(
    "",
    response={201: CaseDetail, **error_responses(400, 401, 403)},
    operation_id="case_create",
    summary="Enter a case reported by telephone (hotline)",
)
def create_case(request: ApiRequest, payload: CaseCreateIn) -> Status[dict[str, Any]]:
    """Community staff enter a case for a caller; it starts as reported, with the
    channel “hotline”. Street and community are chosen among those you staff, as
    on the console's form; a point on the map must lie in your community too."""
    user = request.auth
    if not has_role(user, Role.STAFF, Role.ADMIN):
        raise PermissionDenied
    categories = Category.objects.filter(is_active=True)
    category = _chosen(categories, payload.category, "category")
    street = _chosen(console_streets(user), payload.street, "street")
    community = _chosen(console_communities(user), payload.community, "community")
    with transaction.atomic():
        reported = case_report(
            category=category,
            description=payload.description,
            channel=Channel.HOTLINE,
            attributes=payload.attributes,
            lat=payload.lat,
            lng=payload.lng,
            street=street,
            community=community,
            address=payload.address,
            reporter_name=payload.reporter_name,
            reporter_phone=payload.reporter_phone,
            reporter_email=payload.reporter_email,
            is_anonymous=payload.is_anonymous,
            contact_consent=payload.contact_consent,
            urgency=payload.urgency or None,
            entered_by=user,
        )
        if not is_case_staff(user, reported.case):
            # Rolls the report back: the point on the map is outside your scope.
            raise PermissionDenied(
                _("You can enter cases only for places in your own community.")
            )
    return Status(201, fresh_detail(reported.case, user))
