"""The case lifecycle: the one table of allowed transitions (DESIGN §3).

No status is assigned anywhere but :func:`gongzhi.cases.services._apply`, and it
asks :func:`next_status` first.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from .choices import OPEN_STATES, Action, Status

S, A = Status, Action

TRANSITIONS: dict[tuple[str, str], str] = {
    (S.REPORTED, A.ACCEPT): S.ACCEPTED,
    (S.REPORTED, A.REJECT): S.REJECTED,
    (S.REPORTED, A.MERGE): S.MERGED,
    (S.REPORTED, A.SELF_RESOLVE): S.SELF_RESOLVED,
    (S.REPORTED, A.WITHDRAW): S.CANCELLED,
    (S.ACCEPTED, A.DISPATCH): S.DISPATCHED,
    (S.ACCEPTED, A.MERGE): S.MERGED,
    (S.DISPATCHED, A.ACKNOWLEDGE): S.ACKNOWLEDGED,
    (S.DISPATCHED, A.REQUEST_RETURN): S.RETURN_REQUESTED,
    (S.RETURN_REQUESTED, A.APPROVE_RETURN): S.ACCEPTED,
    (S.RETURN_REQUESTED, A.REFUSE_RETURN): S.DISPATCHED,
    (S.ACKNOWLEDGED, A.START): S.IN_PROGRESS,
    (S.ACKNOWLEDGED, A.REPLY): S.REPLIED,
    (S.IN_PROGRESS, A.REPLY): S.REPLIED,
    (S.IN_PROGRESS, A.ESCALATE): S.ESCALATED,
    (S.ACKNOWLEDGED, A.ESCALATE): S.ESCALATED,
    (S.ESCALATED, A.DISPATCH): S.DISPATCHED,
    (S.REPLIED, A.SUBMIT_FOR_VERIFICATION): S.VERIFYING,
    (S.SELF_RESOLVED, A.SUBMIT_FOR_VERIFICATION): S.VERIFYING,
    (S.VERIFYING, A.REWORK): S.IN_PROGRESS,
    (S.VERIFYING, A.CONFIRM): S.FEEDBACK,
    (S.FEEDBACK, A.CLOSE): S.CLOSED,
    (S.CLOSED, A.REOPEN): S.REOPENED,
    (S.REOPENED, A.DISPATCH): S.DISPATCHED,
}
# Cancelling (admin, with a reason) is allowed from every open state.
for _state in OPEN_STATES:
    TRANSITIONS.setdefault((_state, A.CANCEL), S.CANCELLED)


class TransitionError(Exception):
    """The action is not allowed in the case's current state."""

    def __init__(self, message: str, *, status: str, action: str) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.action = action


def next_status(status: str, action: str) -> str:
    """Return the state ``action`` leads to from ``status``; else TransitionError."""
    try:
        return TRANSITIONS[(status, action)]
    except KeyError:
        raise TransitionError(
            _("A case that is “%(status)s” cannot be given the action “%(action)s”.")
            % {"status": Status(status).label, "action": Action(action).label},
            status=status,
            action=action,
        ) from None


def allowed_actions(status: str) -> list[str]:
    """Return the actions the table allows from ``status``, in table order."""
    return [action for (state, action) in TRANSITIONS if state == status]
