"""Services of the cases app: every change to a case goes through one of these."""

from .base import StaleCaseError
from .extensions import case_extension_decide, case_extension_request
from .intake import (
    Reported,
    case_check_token,
    case_edit_by_reporter,
    case_report,
    case_support,
    case_withdraw,
)
from .lifecycle import (
    case_accept,
    case_acknowledge,
    case_auto_close,
    case_cancel,
    case_decide_return,
    case_dispatch,
    case_escalate,
    case_merge,
    case_merge_by_number,
    case_rate,
    case_record_contact,
    case_reject,
    case_reopen,
    case_reply,
    case_request_return,
    case_self_resolve,
    case_start,
    case_supervise,
    case_verify,
)

__all__ = [
    "Reported",
    "StaleCaseError",
    "case_accept",
    "case_acknowledge",
    "case_auto_close",
    "case_cancel",
    "case_check_token",
    "case_decide_return",
    "case_dispatch",
    "case_edit_by_reporter",
    "case_escalate",
    "case_extension_decide",
    "case_extension_request",
    "case_merge",
    "case_merge_by_number",
    "case_rate",
    "case_record_contact",
    "case_reject",
    "case_reopen",
    "case_reply",
    "case_report",
    "case_request_return",
    "case_self_resolve",
    "case_start",
    "case_supervise",
    "case_support",
    "case_verify",
    "case_withdraw",
]

from .timers import (  # noqa: E402
    case_close_unrated,
    case_mark_overdue,
    case_send_reminder,
    timers_auto_close,
    timers_mark_overdue,
    timers_run,
    timers_send_reminders,
)

__all__ += [
    "case_close_unrated",
    "case_mark_overdue",
    "case_send_reminder",
    "timers_auto_close",
    "timers_mark_overdue",
    "timers_run",
    "timers_send_reminders",
]
