"""Case pages for those who work on cases: case page, handler inbox, staff console.

Thin adapters: each parses a form, calls one service (see actions_work) or
selector, and shows the service's message.
"""

from __future__ import annotations

import mimetypes
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongzhi.accounts.choices import Role
from gongzhi.accounts.permissions import has_role

from . import services
from .actions_work import ACTION_BY_SLUG, ACTIONS, WorkAction
from .choices import OPEN_STATES, Channel, Status
from .filters import CaseFilter
from .forms_work import BULK_ACCEPT, BulkForm, CaseActionForm, HotlineForm
from .models import Case, CasePhoto
from .permissions import unit_ids
from .routing import route_for
from .selectors import case_get
from .selectors_work import (
    QUEUE_BY_CODE,
    QUEUES,
    case_page,
    console_cases,
    console_communities,
    console_dispatch_units,
    console_scope,
    console_streets,
    inbox_cases,
    inbox_units,
    queue_counts,
    reporter_contact,
    status_counts,
)
from .workflow import TransitionError

PAGE_SIZE = 30
INBOX_TABS = [
    Status.DISPATCHED,
    Status.RETURN_REQUESTED,
    Status.ACKNOWLEDGED,
    Status.IN_PROGRESS,
    Status.VERIFYING,
    Status.FEEDBACK,
    Status.CLOSED,
]


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def _paginate(request: HttpRequest, cases: QuerySet[Case]) -> Page:
    return Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))


# --- Case page -------------------------------------------------------------------


def _auto_id(spec: WorkAction) -> str:
    # Several action forms share a page: keep their element ids apart.
    return f"id_{spec.slug}_%s"


def _action_forms(
    user: Any,
    case: Case,
    pending: Any,
    failed: tuple[WorkAction, CaseActionForm] | None,
) -> list[dict[str, Any]]:
    shown: list[dict[str, Any]] = []
    for spec in ACTIONS:
        if not spec.available(user, case, pending):
            continue
        if failed is not None and failed[0] is spec:
            form, is_open = failed[1], True
        else:
            form, is_open = spec.form_class(case=case, auto_id=_auto_id(spec)), False
        shown.append(
            {
                "spec": spec,
                "form": form,
                "open": is_open,
                "url": reverse("cases:act", args=[case.number, spec.slug]),
            }
        )
    if failed is None and shown:
        first = next(
            (a for a in shown if not (a["spec"].danger or a["spec"].quick)), None
        )
        if first is not None:
            first["open"] = True
    return shown


def _case_context(
    request: HttpRequest,
    case: Case,
    failed: tuple[WorkAction, CaseActionForm] | None = None,
) -> dict[str, Any]:
    page = case_page(case=case)
    return {
        "case": case,
        "page": page,
        "events": page.events,
        "reporter": reporter_contact(user=request.user, case=case),
        "actions": _action_forms(request.user, case, page.pending_extension, failed),
    }


@login_required
def detail(request: HttpRequest, number: str) -> HttpResponse:
    """Show the full case and the actions the user may take now."""
    case = case_get(number=number, user=request.user)
    return render(request, "cases/work/detail.html", _case_context(request, case))


def _error_messages(exc: Exception) -> list[str]:
    if isinstance(exc, TransitionError):
        return [exc.message]
    if isinstance(exc, ValidationError):
        return list(exc.messages)
    return [str(exc) or _("You are not allowed to do this to the case.")]


def _respond_done(request: HttpRequest, number: str) -> HttpResponse:
    """Show the case after a successful action, or leave if it is out of sight."""
    try:
        case = case_get(number=number, user=request.user)
    except PermissionDenied:
        case = None
    target = _safe_next(request)
    if request.htmx:  # type: ignore[attr-defined]
        if case is None:
            response = HttpResponse()
            response["HX-Redirect"] = target or reverse("home")
            return response
        if request.POST.get("fragment") == "row":
            return _inbox_row(request, case)
        return render(request, "cases/work/_panel.html", _case_context(request, case))
    if target:
        return redirect(target)
    return redirect(case or "home")


@login_required
@require_POST
def act(request: HttpRequest, number: str, slug: str) -> HttpResponse:
    """Take one action on a case through its service."""
    spec = ACTION_BY_SLUG.get(slug)
    if spec is None:
        raise Http404
    case = case_get(number=number, user=request.user)
    form = spec.form_class(
        request.POST, request.FILES, case=case, auto_id=_auto_id(spec)
    )
    status = 400
    try:
        if not form.is_valid():
            hidden = [f.name for f in form.hidden_fields()]
            raise ValidationError(
                [e for name in hidden for e in form.errors.get(name, [])]
                or [_("Correct the marked fields and send again.")]
            )
        message = spec.perform(request.user, case, form.cleaned_data)
    except (ValidationError, TransitionError, PermissionDenied) as exc:
        for text in _error_messages(exc):
            messages.error(request, text)
        if isinstance(exc, PermissionDenied):
            status = 403
        # Show the form again as sent (nothing was written), unless it is stale.
        stale = isinstance(exc, services.StaleCaseError) or "version" in form.errors
        failed = None if stale else (spec, form)
    else:
        messages.success(request, message)
        return _respond_done(request, number)

    case = case_get(number=number, user=request.user)
    if request.htmx:  # type: ignore[attr-defined]
        if request.POST.get("fragment") == "row":
            return _inbox_row(request, case)
        return render(
            request, "cases/work/_panel.html", _case_context(request, case, failed)
        )
    target = _safe_next(request)
    if target:
        return redirect(target)
    return render(
        request,
        "cases/work/detail.html",
        _case_context(request, case, failed),
        status=status,
    )


@login_required
def photo(request: HttpRequest, number: str, pk: int, size: str) -> FileResponse:
    """Send a case photo (or its thumbnail) to someone who may see the case."""
    case = case_get(number=number, user=request.user)
    record = get_object_or_404(CasePhoto, case=case, pk=pk)
    image = record.thumbnail if size == "thumb" else record.image
    kind = mimetypes.guess_type(image.name)[0] or "application/octet-stream"
    try:
        handle = image.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=kind)
    response["Cache-Control"] = "private, max-age=3600"
    return response


# --- Handler inbox ---------------------------------------------------------------


def _mark_quick_actions(user: Any, cases: Any) -> None:
    mine = unit_ids(user)
    for case in cases:
        case.can_acknowledge = (
            case.status == Status.DISPATCHED and case.lead_unit_id in mine
        )


def _inbox_row(request: HttpRequest, case: Case) -> HttpResponse:
    row = inbox_cases(units=unit_ids(request.user)).filter(pk=case.pk).first()
    if row is not None:
        _mark_quick_actions(request.user, [row])
    return render(
        request,
        "cases/work/_inbox_row.html",
        {"case": row, "next": _safe_next(request), "oob_messages": True},
    )


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """List the cases dispatched to the user's units, soonest deadline first."""
    units = inbox_units(request.user)
    if not units:
        raise PermissionDenied
    chosen = [u for u in units if str(u.pk) == request.GET.get("unit")] or units
    base = inbox_cases(units=[u.pk for u in chosen])
    filters = CaseFilter(request.GET, default_status="open")
    counts = status_counts(base)
    tabs = [
        ("open", _("To do"), sum(n for s, n in counts.items() if s in OPEN_STATES)),
        *[(s.value, s.label, counts.get(s, 0)) for s in INBOX_TABS],
        ("", _("All"), sum(counts.values())),
    ]
    page = _paginate(request, filters.apply(base))
    _mark_quick_actions(request.user, page.object_list)
    return render(
        request,
        "cases/work/inbox.html",
        {
            "units": units,
            "chosen": chosen,
            "filters": filters,
            "tabs": tabs,
            "current": filters.data.get("status", ""),
            "page_obj": page,
        },
    )


# --- Staff console ---------------------------------------------------------------


def _console_scope(request: HttpRequest) -> Q:
    scope = console_scope(request.user)
    if scope is None:
        raise PermissionDenied
    return scope


@login_required
def console(request: HttpRequest) -> HttpResponse:
    """Show the staff queues, filters and bulk actions over the user's scope."""
    base = console_cases(scope=_console_scope(request))
    now = timezone.now()
    queue = QUEUE_BY_CODE.get(request.GET.get("queue", ""), QUEUES[0])
    filters = CaseFilter(request.GET, streets=console_streets(request.user))
    page = _paginate(request, filters.apply(base.filter(queue.condition(now)), now=now))
    can_bulk = has_role(request.user, Role.STAFF, Role.ADMIN)
    counts = queue_counts(base, now=now)
    return render(
        request,
        "cases/work/console.html",
        {
            "queues": [(q, counts[q.code]) for q in QUEUES],
            "queue": queue,
            "filters": filters,
            "page_obj": page,
            "can_bulk": can_bulk,
            "bulk_form": BulkForm(units=console_dispatch_units(request.user))
            if can_bulk
            else None,
            "can_enter": can_bulk,
        },
    )


def _bulk_one(user: Any, case: Case, version: int, action: str, unit: Any) -> None:
    if action == BULK_ACCEPT:
        services.case_accept(case=case, actor=user, expected_version=version)
        return
    lead, assisting = unit, []
    if lead is None:
        route = route_for(case)
        if route.lead is None:
            raise ValidationError(
                _("No routing rule matches this case; choose a unit.")
            )
        lead, assisting = route.lead, route.assisting
    services.case_dispatch(
        case=case, actor=user, lead=lead, assisting=assisting, expected_version=version
    )


@login_required
@require_POST
def bulk(request: HttpRequest) -> HttpResponse:
    """Accept or dispatch the ticked cases, one service call each."""
    scope = _console_scope(request)
    form = BulkForm(request.POST, units=console_dispatch_units(request.user))
    back = _safe_next(request) or reverse("cases:console")
    if not form.is_valid():
        for text in (t for errors in form.errors.values() for t in errors):
            messages.error(request, str(text))
        return redirect(back)
    pairs = form.cleaned_data["cases"]
    found = {
        c.pk: c
        for c in console_cases(scope=scope).filter(pk__in=[pk for pk, _v in pairs])
    }
    done = []
    for pk, version in pairs:
        case = found.get(pk)
        if case is None:
            messages.error(request, _("A ticked case is not in your scope."))
            continue
        try:
            _bulk_one(
                request.user,
                case,
                version,
                form.cleaned_data["action"],
                form.cleaned_data["unit"],
            )
        except (ValidationError, TransitionError, PermissionDenied) as exc:
            for text in _error_messages(exc):
                messages.error(
                    request,
                    _("Case %(number)s: %(error)s")
                    % {"number": case.number, "error": text},
                )
        else:
            done.append(case.number)
    if done:
        messages.success(
            request,
            _("Done for %(count)s cases: %(numbers)s")
            % {"count": len(done), "numbers": "、".join(done)},
        )
    return redirect(back)


@login_required
def console_new(request: HttpRequest) -> HttpResponse:
    """Enter a case taken on the hotline on a resident's behalf."""
    if not has_role(request.user, Role.STAFF, Role.ADMIN):
        raise PermissionDenied
    streets = console_streets(request.user)
    communities = console_communities(request.user)
    if request.method == "POST":
        form = HotlineForm(request.POST, streets=streets, communities=communities)
    else:
        form = HotlineForm(
            initial={"category": request.GET.get("category")},
            streets=streets,
            communities=communities,
        )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            reported = services.case_report(
                category=data["category"],
                description=data["description"],
                channel=Channel.HOTLINE,
                attributes=form.answers(),
                street=data["street"],
                community=data["community"],
                address=data["address"],
                reporter_name=data["reporter_name"],
                reporter_phone=data["reporter_phone"],
                is_anonymous=data["is_anonymous"],
                contact_consent=data["consent_contact"],
                urgency=data["urgency"] or None,
                entered_by=request.user,
            )
        except ValidationError as exc:
            errors = exc.error_dict if hasattr(exc, "error_dict") else {None: exc}
            for name, problem in errors.items():
                form.add_error(name if name in form.fields else None, problem)
        else:
            messages.success(
                request,
                _("Case %(number)s entered. Give the caller this number.")
                % {"number": reported.case.number},
            )
            return redirect(reported.case)
    return render(request, "cases/work/new.html", {"form": form})
