"""Choices of the cases app: states, actions, urgency, channels, ratings."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    REPORTED = "reported", _("reported")
    ACCEPTED = "accepted", _("accepted")
    REJECTED = "rejected", _("rejected")
    MERGED = "merged", _("merged")
    SELF_RESOLVED = "self_resolved", _("resolved on the spot")
    DISPATCHED = "dispatched", _("dispatched")
    RETURN_REQUESTED = "return_requested", _("return requested")
    ACKNOWLEDGED = "acknowledged", _("acknowledged")
    IN_PROGRESS = "in_progress", _("in progress")
    ESCALATED = "escalated", _("escalated")
    REPLIED = "replied", _("replied")
    VERIFYING = "verifying", _("being verified")
    FEEDBACK = "feedback", _("awaiting rating")
    CLOSED = "closed", _("closed")
    REOPENED = "reopened", _("reopened")
    CANCELLED = "cancelled", _("cancelled")


# States in which a case is finished (no clock runs).
FINAL_STATES = frozenset(
    {Status.REJECTED, Status.MERGED, Status.CLOSED, Status.CANCELLED}
)
OPEN_STATES = frozenset(s for s in Status if s not in FINAL_STATES)
# States in which the handling unit holds the case and the resolution clock runs.
HANDLING_STATES = frozenset(
    {
        Status.DISPATCHED,
        Status.RETURN_REQUESTED,
        Status.ACKNOWLEDGED,
        Status.IN_PROGRESS,
        Status.ESCALATED,
    }
)
# States in which the lead unit itself holds the case and may act on it (record
# contact, ask for an extension): not while it is escalated to a higher unit.
UNIT_HOLDS_STATES = HANDLING_STATES - {Status.ESCALATED}
# Excluded from every rate (DESIGN §3).
EXCLUDED_FROM_METRICS = frozenset({Status.REJECTED, Status.MERGED, Status.CANCELLED})


class Action(models.TextChoices):
    ACCEPT = "accept", _("accept")
    REJECT = "reject", _("reject")
    MERGE = "merge", _("merge into another case")
    SELF_RESOLVE = "self_resolve", _("resolve on the spot")
    DISPATCH = "dispatch", _("dispatch")
    ACKNOWLEDGE = "acknowledge", _("acknowledge")
    REQUEST_RETURN = "request_return", _("request return")
    APPROVE_RETURN = "approve_return", _("approve return")
    REFUSE_RETURN = "refuse_return", _("refuse return")
    START = "start", _("start handling")
    REPLY = "reply", _("reply with the result")
    ESCALATE = "escalate", _("escalate (whistle)")
    SUBMIT_FOR_VERIFICATION = "submit_for_verification", _("send for verification")
    REWORK = "rework", _("send back for rework")
    CONFIRM = "confirm", _("confirm the result")
    CLOSE = "close", _("close")
    REOPEN = "reopen", _("reopen")
    REDISPATCH = "redispatch", _("dispatch again")
    CANCEL = "cancel", _("cancel")
    WITHDRAW = "withdraw", _("withdraw")


class Urgency(models.TextChoices):
    URGENT = "urgent", _("urgent")
    GENERAL = "general", _("general")
    COMPLEX = "complex", _("complex")


class Channel(models.TextChoices):
    WEB = "web", _("web form")
    HOTLINE = "hotline", _("hotline (entered by staff)")
    PATROL = "patrol", _("street-chief patrol")
    OPEN311 = "open311", _("Open311 client")
    ORGANISATION = "organisation", _("member organisation")


class HandlingRole(models.TextChoices):
    LEAD = "lead", _("lead unit")
    ASSISTING = "assisting", _("assisting unit")


class Solved(models.TextChoices):
    YES = "yes", _("solved")
    PARTLY = "partly", _("partly solved")
    NO = "no", _("not solved")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("satisfied")
    BASICALLY = "basically", _("basically satisfied")
    UNSATISFIED = "unsatisfied", _("unsatisfied")


class AttributeType(models.TextChoices):
    """Open311 attribute datatypes."""

    STRING = "string", _("short text")
    NUMBER = "number", _("number")
    DATETIME = "datetime", _("date and time")
    TEXT = "text", _("long text")
    SINGLE = "singlevaluelist", _("single choice")
    MULTI = "multivaluelist", _("multiple choice")


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    APPROVED = "approved", _("approved")
    REFUSED = "refused", _("refused")


class SupervisionReason(models.TextChoices):
    OVERDUE = "overdue", _("overdue")
    REOPENED = "reopened", _("reopened three or more times")
    MANY_UNITS = "many_units", _("passed through three or more units")
    MANUAL = "manual", _("placed under supervision")
