"""What every case endpoint that changes something does: find, act, answer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gongzhi.cases.models import Case

from .. import presenters
from ..auth import ApiRequest
from ..schemas import CaseDetail, error_responses
from ..selectors import case_for

ACTED = {200: CaseDetail, **error_responses(400, 401, 403, 404, 409)}


def fresh_detail(case: Case, user: Any) -> dict[str, Any]:
    # Re-read without the visibility check: the action may have moved the case
    # out of the user's sight (a return approved, a merge), yet it was theirs.
    fresh = Case.objects.select_related(
        "category",
        "community",
        "street",
        "cooperative",
        "estate",
        "lead_unit",
        "merged_into",
    ).get(pk=case.pk)
    return presenters.case_detail(fresh, user)


def act(
    request: ApiRequest, number: str, action: Callable[[Case, Any], object]
) -> dict[str, Any]:
    """Find the case the user may see, run ``action`` on it, answer with it."""
    user = request.auth
    case = case_for(number=number, user=user)
    action(case, user)
    return fresh_detail(case, user)
