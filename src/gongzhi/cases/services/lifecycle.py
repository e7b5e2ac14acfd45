"""Services for every step of a case after intake (DESIGN §3), re-exported from
the modules that hold them: triage, handling, closing and supervision."""

from .closing import (
    case_auto_close,
    case_cancel,
    case_rate,
    case_reopen,
    case_verify,
)
from .handling import (
    case_acknowledge,
    case_decide_return,
    case_dispatch,
    case_escalate,
    case_record_contact,
    case_reply,
    case_request_return,
    case_start,
)
from .supervision import (
    SUPERVISION_REOPENS,
    SUPERVISION_UNITS,
    _supervise,
    case_supervise,
)
from .triage import (
    case_accept,
    case_merge,
    case_merge_by_number,
    case_reject,
    case_self_resolve,
)

__all__ = [
    "SUPERVISION_REOPENS",
    "SUPERVISION_UNITS",
    "_supervise",
    "case_accept",
    "case_acknowledge",
    "case_auto_close",
    "case_cancel",
    "case_decide_return",
    "case_dispatch",
    "case_escalate",
    "case_merge",
    "case_merge_by_number",
    "case_rate",
    "case_record_contact",
    "case_reject",
    "case_reopen",
    "case_reply",
    "case_request_return",
    "case_self_resolve",
    "case_start",
    "case_supervise",
    "case_verify",
]
