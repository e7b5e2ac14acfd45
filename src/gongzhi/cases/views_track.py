"""The reporter's pages: follow a case, rate it, correct or withdraw it, my reports.

Whoever holds the case number and its tracking code is the reporter here; a
signed-in reporter needs no code.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gongzhi.core.masking import mask_email, mask_name, mask_phone

from . import selectors_public as public
from .choices import Status
from .forms_track import EditForm, RatingForm, TrackLookupForm, WithdrawForm
from .models import Case
from .permissions import is_reporter
from .selectors import case_get
from .services import (
    StaleCaseError,
    case_check_token,
    case_edit_by_reporter,
    case_rate,
    case_withdraw,
)
from .workflow import TransitionError

PAGE_SIZE = 20


def track_lookup(request: HttpRequest) -> HttpResponse:
    """Find a case by its number and tracking code."""
    form = TrackLookupForm(request.GET or None)
    if form.is_valid():
        number, token = form.cleaned_data["number"].strip(), form.cleaned_data["t"]
        try:
            case_get(number=number, user=request.user, token=token.strip())
        except (Http404, PermissionDenied):
            form.add_error(None, _("No case has this number and tracking code."))
        else:
            url = reverse("cases:track", args=[number])
            return redirect(f"{url}?{urlencode({'t': token.strip()})}")
    return render(request, "cases/public/track_lookup.html", {"form": form})


def _track_page(
    request: HttpRequest,
    case: Case,
    token: str,
    *,
    rating_form: RatingForm | None = None,
    edit_form: EditForm | None = None,
    withdraw_form: WithdrawForm | None = None,
    error: str = "",
) -> HttpResponse:
    owner = is_reporter(request.user, case) or case_check_token(case, token)
    version = {"version": case.version}
    can_edit = owner and case.status == Status.REPORTED
    return render(
        request,
        "cases/public/track.html",
        {
            "case": case,
            "token": token,
            "token_query": f"?{urlencode({'t': token})}" if token else "",
            "explanation": public.STATUS_EXPLANATIONS.get(Status(case.status), ""),
            "overdue": public.case_is_overdue(case),
            "events": public.public_timeline(case=case, scrubbed=False),
            "contact": {
                "name": "" if case.is_anonymous else mask_name(case.reporter_name),
                "phone": mask_phone(case.reporter_phone),
                "email": mask_email(case.reporter_email),
            },
            "owner": owner,
            "rating": case.ratings.first(),
            "rating_form": (rating_form or RatingForm())
            if owner and case.status == Status.FEEDBACK
            else None,
            "edit_form": (
                edit_form
                or EditForm(initial={"description": case.description, **version})
            )
            if can_edit
            else None,
            "withdraw_form": (withdraw_form or WithdrawForm(initial=version))
            if can_edit
            else None,
            "error": error,
        },
    )


def _service_error(form: Any, exc: ValidationError | TransitionError) -> str:
    """Put a service's field errors on ``form``; return any other message."""
    if isinstance(exc, TransitionError):
        return exc.message
    if isinstance(exc, StaleCaseError) or not hasattr(exc, "error_dict"):
        return " ".join(exc.messages)
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)
    return ""


def _token(request: HttpRequest) -> str:
    return (request.POST.get("t") or request.GET.get("t") or "").strip()


@require_GET
def track(request: HttpRequest, number: str) -> HttpResponse:
    """Show a reporter their case: status, deadline, timeline and what they can do."""
    token = _token(request)
    case = case_get(number=number, user=request.user, token=token)
    return _track_page(request, case, token)


def _back_to_track(number: str, token: str) -> HttpResponse:
    url = reverse("cases:track", args=[number])
    return redirect(f"{url}?{urlencode({'t': token})}" if token else url)


def _reporter_action(
    request: HttpRequest,
    number: str,
    *,
    form_class: type[Any],
    form_name: str,
    run: Callable[[Case, str, dict[str, Any]], object],
    done: str,
) -> HttpResponse:
    """Validate the reporter's form, call the service, show errors or go back."""
    token = _token(request)
    case = case_get(number=number, user=request.user, token=token)
    form = form_class(request.POST)
    if not form.is_valid():
        return _track_page(request, case, token, **{form_name: form})
    try:
        run(case, token, form.cleaned_data)
    except (ValidationError, TransitionError) as exc:
        error = _service_error(form, exc)
        return _track_page(request, case, token, error=error, **{form_name: form})
    messages.success(request, done)
    return _back_to_track(number, token)


@require_POST
def track_rate(request: HttpRequest, number: str) -> HttpResponse:
    """Record the reporter's rating of the result; the case closes."""
    return _reporter_action(
        request,
        number,
        form_class=RatingForm,
        form_name="rating_form",
        run=lambda case, token, data: case_rate(
            case=case, actor=request.user, token=token, **data
        ),
        done=_("Thank you for rating the result."),
    )


@require_POST
def track_edit(request: HttpRequest, number: str) -> HttpResponse:
    """Let the reporter correct the description before the case is accepted."""
    return _reporter_action(
        request,
        number,
        form_class=EditForm,
        form_name="edit_form",
        run=lambda case, token, data: case_edit_by_reporter(
            case=case,
            actor=request.user,
            token=token,
            description=data["description"],
            expected_version=data["version"],
        ),
        done=_("Your description has been updated."),
    )


@require_POST
def track_withdraw(request: HttpRequest, number: str) -> HttpResponse:
    """Let the reporter withdraw the case before it is accepted."""
    return _reporter_action(
        request,
        number,
        form_class=WithdrawForm,
        form_name="withdraw_form",
        run=lambda case, token, data: case_withdraw(
            case=case,
            actor=request.user,
            token=token,
            reason=data["reason"],
            expected_version=data["version"],
        ),
        done=_("Your report has been withdrawn."),
    )


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """List the signed-in resident's own reports."""
    page = Paginator(public.reporter_case_list(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "cases/public/mine.html", {"page": page})
