"""The actions of the case page: who sees each form, and which service it calls.

Each action maps a form's cleaned data onto one service call and returns the
message to show. Whether the action is allowed is decided by the service; the
``available`` predicate only decides which forms to show.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import services
from .choices import OPEN_STATES, UNIT_HOLDS_STATES, Action, ExtensionStatus
from .forms_work import (
    APPROVE,
    CONFIRM,
    AcceptForm,
    CaseActionForm,
    DecisionForm,
    DispatchForm,
    ExtensionForm,
    MergeForm,
    PhotoNoteForm,
    ReasonForm,
    RequiredNoteForm,
    VerifyForm,
)
from .models import Case, ExtensionRequest
from .permissions import (
    can_act,
    can_decide_extension,
    can_request_extension,
    can_supervise,
    is_lead_handler,
)
from .photos import ProcessedPhoto, process_photos
from .workflow import allowed_actions

Data = dict[str, Any]


@dataclass(frozen=True)
class WorkAction:
    slug: str
    label: Promise
    form_class: type[CaseActionForm]
    available: Callable[[Any, Case, ExtensionRequest | None], bool]
    perform: Callable[[Any, Case, Data], str]
    # "quick" actions have no fields: one button. "danger" ones are set apart.
    quick: bool = False
    danger: bool = False


def _by_workflow(*actions: str) -> Callable[[Any, Case, ExtensionRequest | None], bool]:
    def available(user: Any, case: Case, pending: ExtensionRequest | None) -> bool:
        allowed = allowed_actions(case.status)
        return any(a in allowed and can_act(user, case, a) for a in actions)

    return available


def _photos(data: Data) -> list[ProcessedPhoto]:
    return process_photos(data.get("photos") or [])


def _accept(user: Any, case: Case, data: Data) -> str:
    services.case_accept(
        case=case,
        actor=user,
        urgency=data.get("urgency") or None,
        category=data.get("category"),
        note=data.get("note", ""),
        expected_version=data["version"],
    )
    return _("Case %(number)s accepted.") % {"number": case.number}


def _reject(user: Any, case: Case, data: Data) -> str:
    services.case_reject(
        case=case,
        actor=user,
        reason=data.get("reason", ""),
        expected_version=data["version"],
    )
    return _("Case %(number)s rejected.") % {"number": case.number}


def _merge(user: Any, case: Case, data: Data) -> str:
    services.case_merge_by_number(
        case=case,
        into_number=data.get("into") or "",
        actor=user,
        note=data.get("note", ""),
        expected_version=data["version"],
    )
    return _("Case merged into %(number)s.") % {"number": data.get("into", "").strip()}


def _self_resolve(user: Any, case: Case, data: Data) -> str:
    services.case_self_resolve(
        case=case,
        actor=user,
        note=data.get("note", ""),
        photos=_photos(data),
        expected_version=data["version"],
    )
    return _("Recorded as resolved on the spot; the case goes to verification.")


def _dispatch(user: Any, case: Case, data: Data) -> str:
    lead = data["lead"]
    services.case_dispatch(
        case=case,
        actor=user,
        lead=lead,
        assisting=list(data.get("assisting") or []),
        note=data.get("note", ""),
        expected_version=data["version"],
    )
    return _("Case dispatched to %(unit)s.") % {"unit": lead}


def _acknowledge(user: Any, case: Case, data: Data) -> str:
    services.case_acknowledge(case=case, actor=user, expected_version=data["version"])
    return _("Case %(number)s acknowledged. Contact the reporter in time.") % {
        "number": case.number
    }


def _record_contact(user: Any, case: Case, data: Data) -> str:
    services.case_record_contact(case=case, actor=user, note=data.get("note", ""))
    return _("Contact with the reporter recorded.")


def _request_return(user: Any, case: Case, data: Data) -> str:
    services.case_request_return(
        case=case,
        actor=user,
        reason=data.get("reason", ""),
        expected_version=data["version"],
    )
    return _("Return requested; community staff will decide.")


def _decide_return(user: Any, case: Case, data: Data) -> str:
    approve = data["decision"] == APPROVE
    services.case_decide_return(
        case=case,
        actor=user,
        approve=approve,
        note=data.get("note", ""),
        expected_version=data["version"],
    )
    if approve:
        return _("Return approved; dispatch the case again.")
    return _("Return refused; the case stays with the unit.")


def _start(user: Any, case: Case, data: Data) -> str:
    services.case_start(
        case=case,
        actor=user,
        note=data.get("note", ""),
        expected_version=data["version"],
    )
    return _("Handling started.")


def _reply(user: Any, case: Case, data: Data) -> str:
    services.case_reply(
        case=case,
        actor=user,
        note=data.get("note", ""),
        photos=_photos(data),
        expected_version=data["version"],
    )
    return _("Reply sent; the case goes to verification.")


def _escalate(user: Any, case: Case, data: Data) -> str:
    services.case_escalate(
        case=case,
        actor=user,
        note=data.get("note", ""),
        expected_version=data["version"],
    )
    return _("Case escalated; it will be dispatched to a higher unit.")


def _verify(user: Any, case: Case, data: Data) -> str:
    ok = data["decision"] == CONFIRM
    services.case_verify(
        case=case,
        actor=user,
        ok=ok,
        note=data.get("note", ""),
        photos=_photos(data),
        expected_version=data["version"],
    )
    if ok:
        return _("Result confirmed; the reporter is asked to rate it.")
    return _("Case sent back for rework.")


def _reopen(user: Any, case: Case, data: Data) -> str:
    services.case_reopen(
        case=case,
        actor=user,
        note=data.get("note", ""),
        expected_version=data["version"],
    )
    return _("Case reopened; dispatch it again.")


def _cancel(user: Any, case: Case, data: Data) -> str:
    services.case_cancel(
        case=case,
        actor=user,
        reason=data.get("reason", ""),
        expected_version=data["version"],
    )
    return _("Case %(number)s cancelled.") % {"number": case.number}


def _supervise(user: Any, case: Case, data: Data) -> str:
    services.case_supervise(case=case, actor=user, note=data.get("note", ""))
    return _("Case placed under supervision.")


def _request_extension(user: Any, case: Case, data: Data) -> str:
    services.case_extension_request(
        case=case, actor=user, days=data["days"], reason=data.get("reason", "")
    )
    return _("Extension of %(days)s working days requested.") % {"days": data["days"]}


def _decide_extension(user: Any, case: Case, data: Data) -> str:
    request = case.extension_requests.filter(status=ExtensionStatus.PENDING).first()
    if request is None:
        raise ValidationError(_("No extension request is waiting for a decision."))
    approve = data["decision"] == APPROVE
    services.case_extension_decide(
        request=request, actor=user, approve=approve, note=data.get("note", "")
    )
    if approve:
        return _("Extension approved.")
    return _("Extension refused.")


def _can_contact(user: Any, case: Case, pending: ExtensionRequest | None) -> bool:
    return case.status in UNIT_HOLDS_STATES and is_lead_handler(user, case)


def _can_reopen(user: Any, case: Case, pending: ExtensionRequest | None) -> bool:
    return case.reopen_requested and _by_workflow(Action.REOPEN)(user, case, pending)


def _can_supervise(user: Any, case: Case, pending: ExtensionRequest | None) -> bool:
    return (
        case.status in OPEN_STATES
        and not case.under_supervision
        and can_supervise(user, case)
    )


def _can_request_extension(
    user: Any, case: Case, pending: ExtensionRequest | None
) -> bool:
    return (
        pending is None
        and case.status in UNIT_HOLDS_STATES
        and can_request_extension(user, case)
    )


def _can_decide_extension(
    user: Any, case: Case, pending: ExtensionRequest | None
) -> bool:
    return pending is not None and can_decide_extension(user, case)


ACTIONS: list[WorkAction] = [
    WorkAction(
        "accept",
        gettext_lazy("Accept"),
        AcceptForm,
        _by_workflow(Action.ACCEPT),
        _accept,
    ),
    WorkAction(
        "dispatch",
        gettext_lazy("Dispatch"),
        DispatchForm,
        _by_workflow(Action.DISPATCH),
        _dispatch,
    ),
    WorkAction(
        "acknowledge",
        gettext_lazy("Acknowledge"),
        CaseActionForm,
        _by_workflow(Action.ACKNOWLEDGE),
        _acknowledge,
        quick=True,
    ),
    WorkAction(
        "decide_return",
        gettext_lazy("Decide the return request"),
        DecisionForm,
        _by_workflow(Action.APPROVE_RETURN, Action.REFUSE_RETURN),
        _decide_return,
    ),
    WorkAction(
        "verify",
        gettext_lazy("Verify the result"),
        VerifyForm,
        _by_workflow(Action.CONFIRM, Action.REWORK),
        _verify,
    ),
    WorkAction(
        "decide_extension",
        gettext_lazy("Decide the extension request"),
        DecisionForm,
        _can_decide_extension,
        _decide_extension,
    ),
    WorkAction(
        "reopen", gettext_lazy("Reopen"), RequiredNoteForm, _can_reopen, _reopen
    ),
    WorkAction(
        "start",
        gettext_lazy("Start handling"),
        CaseActionForm,
        _by_workflow(Action.START),
        _start,
        quick=True,
    ),
    WorkAction(
        "contact",
        gettext_lazy("Record contact with the reporter"),
        RequiredNoteForm,
        _can_contact,
        _record_contact,
    ),
    WorkAction(
        "reply",
        gettext_lazy("Reply with the result"),
        PhotoNoteForm,
        _by_workflow(Action.REPLY),
        _reply,
    ),
    WorkAction(
        "self_resolve",
        gettext_lazy("Resolved on the spot"),
        PhotoNoteForm,
        _by_workflow(Action.SELF_RESOLVE),
        _self_resolve,
    ),
    WorkAction(
        "extend",
        gettext_lazy("Request an extension"),
        ExtensionForm,
        _can_request_extension,
        _request_extension,
    ),
    WorkAction(
        "request_return",
        gettext_lazy("Return: not for our unit"),
        ReasonForm,
        _by_workflow(Action.REQUEST_RETURN),
        _request_return,
    ),
    WorkAction(
        "escalate",
        gettext_lazy("Escalate (whistle)"),
        RequiredNoteForm,
        _by_workflow(Action.ESCALATE),
        _escalate,
    ),
    WorkAction(
        "supervise",
        gettext_lazy("Place under supervision"),
        RequiredNoteForm,
        _can_supervise,
        _supervise,
    ),
    WorkAction(
        "merge",
        gettext_lazy("Merge into another case"),
        MergeForm,
        _by_workflow(Action.MERGE),
        _merge,
    ),
    WorkAction(
        "reject",
        gettext_lazy("Reject"),
        ReasonForm,
        _by_workflow(Action.REJECT),
        _reject,
        danger=True,
    ),
    WorkAction(
        "cancel",
        gettext_lazy("Cancel the case"),
        ReasonForm,
        _by_workflow(Action.CANCEL),
        _cancel,
        danger=True,
    ),
]
ACTION_BY_SLUG = {action.slug: action for action in ACTIONS}
