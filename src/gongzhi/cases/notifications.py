"""Who hears about a case event, and how (written to the outbox in the same
transaction; delivered by the worker, see gongzhi.core.notify)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.accounts.choices import Role
from gongzhi.accounts.models import RoleAssignment
from gongzhi.core.notify import notify_address, notify_user

from .choices import Action, Status
from .models import Case, CaseEvent


def _unit_users(organisation_id: int) -> list[Any]:
    """Return the people who currently handle cases for the unit, each once."""
    today = timezone.localdate()
    assignments = (
        RoleAssignment.objects.filter(
            organisation_id=organisation_id,
            role__in=[Role.HANDLER, Role.LIAISON],
            user__is_active=True,
            valid_from__lte=today,
        )
        # A role that has ended no longer hears about the unit's cases.
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
        .select_related("user")
        .order_by("user_id")
    )
    return list({a.user_id: a.user for a in assignments}.values())


def _tracking_url(case: Case, token: str = "") -> str:
    url = reverse("cases:track", args=[case.number])
    return f"{url}?t={token}" if token else url


def _tell_reporter(case: Case, subject: str, body: str, *, token: str = "") -> None:
    if case.reporter_id:
        # A reporter with an account signs in to follow the case; the tracking
        # token is kept out of the outbox where it is not needed.
        notify_user(
            case.reporter,
            subject=subject,
            body=body,
            url=_tracking_url(case),
            email=True,
        )
        return
    url = _tracking_url(case, token)
    if case.reporter_email:
        notify_address(
            "email", case.reporter_email, subject=subject, body=body, url=url
        )
    if case.reporter_phone:
        notify_address("sms", case.reporter_phone, subject=subject, body=body, url=url)


def case_event_notify(case: Case, event: CaseEvent, *, token: str = "") -> None:
    """Queue the notifications for ``event`` at the moments 12345 systems notify."""
    number = case.number
    to = event.to_status
    if event.action == "report":
        _tell_reporter(
            case,
            _("Case %(number)s received") % {"number": number},
            _(
                "We have received your report %(number)s. Keep this number and link "
                "to follow it."
            )
            % {"number": number},
            token=token,
        )
    elif to == Status.ACCEPTED and event.from_status == Status.REPORTED:
        _tell_reporter(
            case,
            _("Case %(number)s accepted") % {"number": number},
            _(
                "Your case has been accepted and will be passed to the "
                "responsible unit."
            ),
        )
    elif to == Status.REJECTED:
        _tell_reporter(
            case,
            _("Case %(number)s not accepted") % {"number": number},
            _("Your report was not accepted: %(reason)s") % {"reason": event.note},
        )
    elif (
        to == Status.DISPATCHED
        and event.from_status == Status.RETURN_REQUESTED
        and case.lead_unit_id
    ):
        for user in _unit_users(case.lead_unit_id):
            notify_user(
                user,
                subject=_("Return of case %(number)s refused") % {"number": number},
                body=event.note,
                url=case.get_absolute_url(),
                email=True,
            )
    elif to == Status.DISPATCHED and case.lead_unit_id:
        for user in _unit_users(case.lead_unit_id):
            notify_user(
                user,
                subject=_("New case %(number)s for your unit") % {"number": number},
                body=case.description[:200],
                url=case.get_absolute_url(),
                email=True,
            )
        for unit_id in event.data.get("assisting", []):
            for user in _unit_users(unit_id):
                notify_user(
                    user,
                    subject=_("Case %(number)s: your unit is asked to assist")
                    % {"number": number},
                    body=case.description[:200],
                    url=case.get_absolute_url(),
                    email=True,
                )
        if event.from_status in (Status.ACCEPTED, Status.REOPENED):
            _tell_reporter(
                case,
                _("Case %(number)s dispatched") % {"number": number},
                _("Your case has been passed to %(unit)s.") % {"unit": case.lead_unit},
            )
    elif to == Status.FEEDBACK:
        _tell_reporter(
            case,
            _("Case %(number)s handled: please rate it") % {"number": number},
            _(
                "The unit reports the problem handled. Tell us whether it was "
                "solved and how satisfied you are."
            ),
        )
    elif (
        to == Status.IN_PROGRESS
        and event.from_status == Status.VERIFYING
        and case.lead_unit_id
    ):
        for user in _unit_users(case.lead_unit_id):
            notify_user(
                user,
                subject=_("Case %(number)s sent back for rework") % {"number": number},
                body=event.note,
                url=case.get_absolute_url(),
            )
    elif to == Status.CLOSED and "solved" not in event.data:
        # Closed by the system, not by a rating (an earlier round of a reopened
        # case may have been rated).
        _tell_reporter(
            case,
            _("Case %(number)s closed") % {"number": number},
            _("Your case was closed without a rating."),
        )
    elif to == Status.MERGED:
        _tell_reporter(
            case,
            _("Case %(number)s merged") % {"number": number},
            _(
                "Your report describes the same problem as case %(other)s; "
                "follow that one."
            )
            % {"other": case.merged_into},
        )
    elif to == Status.CANCELLED and event.action == Action.CANCEL:
        subject = _("Case %(number)s cancelled") % {"number": number}
        body = _("The case was cancelled: %(reason)s") % {"reason": event.note}
        _tell_reporter(case, subject, body)
        if case.lead_unit_id:
            for user in _unit_users(case.lead_unit_id):
                notify_user(
                    user,
                    subject=subject,
                    body=body,
                    url=case.get_absolute_url(),
                    email=True,
                )
