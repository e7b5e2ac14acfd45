"""Public case pages: report a problem, "me too", the public list and map.

The reporter's own pages (track, rate, edit, withdraw) are in views_track.
"""

from __future__ import annotations

import mimetypes
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.sessions.backends.db import SessionStore as DbSessionStore
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from . import selectors_public as public
from .choices import Channel, Status
from .forms_public import (
    NearbyForm,
    PublicFilterForm,
    QuestionsForm,
    ReportForm,
    SubmissionKeys,
)
from .permissions import can_view_case
from .services import (
    case_check_token,
    case_report,
    case_support,
)

PAGE_SIZE = 20


def _map_config() -> dict[str, str]:
    return {
        "places_url": reverse("cases:map_places"),
        "tile_url": settings.MAP_TILE_URL,
        "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
    }


# --- Reporting ------------------------------------------------------------------


def _locked_session_data(request: HttpRequest) -> dict[str, Any] | None:
    """Re-read the session row under a lock, so racing posts take turns."""
    session = request.session
    if not isinstance(session, DbSessionStore) or not session.session_key:
        return None
    row = (
        session.get_model_class()
        .objects.select_for_update()
        .filter(session_key=session.session_key)
        .first()
    )
    return session.decode(row.session_data) if row else None


def _report_page(request: HttpRequest, form: ReportForm) -> HttpResponse:
    photos_lost = bool(request.FILES) and form.is_bound and bool(form.errors)
    return render(
        request,
        "cases/public/report.html",
        {"form": form, "photos_lost": photos_lost, **_map_config()},
    )


def report(request: HttpRequest) -> HttpResponse:
    """Let anyone report a problem; a double-posted form creates one case."""
    keys = SubmissionKeys(request.session)
    if request.method != "POST":
        initial = {
            "submission": keys.issue(),
            "category": request.GET.get("category"),
            "community": request.GET.get("community"),
        }
        return _report_page(request, ReportForm(initial=initial))

    key = request.POST.get("submission", "")
    if number := keys.done_number(key):
        return redirect("cases:report_done", number)
    expired = not keys.is_pending(key)
    data = request.POST.copy()
    if expired:
        data["submission"] = keys.issue()
    form = ReportForm(data, request.FILES)
    if expired:
        form.is_valid()
        form.add_error(
            None,
            _(
                "This form had expired. Check the details (and choose the photos "
                "again), then send it once more."
            ),
        )
        return _report_page(request, form)
    if not form.is_valid():
        return _report_page(request, form)

    cleaned = form.cleaned_data
    user = request.user if request.user.is_authenticated else None
    try:
        with transaction.atomic():
            fresh = _locked_session_data(request)
            if fresh is not None:
                keys.refresh(fresh)
            if number := keys.done_number(key):
                return redirect("cases:report_done", number)
            reported = case_report(
                category=cleaned["category"],
                description=cleaned["description"],
                channel=Channel.WEB,
                attributes=form.answers(),
                lat=cleaned["lat"],
                lng=cleaned["lng"],
                street=cleaned["street"],
                community=cleaned["community"],
                address=cleaned["address"],
                photos=cleaned["photos"],
                reporter=user,
                reporter_name=cleaned["reporter_name"],
                reporter_phone=cleaned["reporter_phone"],
                reporter_email=cleaned["reporter_email"],
                is_anonymous=cleaned["is_anonymous"],
                contact_consent=cleaned["consent_contact"],
            )
            keys.complete(key, number=reported.case.number, token=reported.token)
            # Saved inside the transaction: a racing post waits for the lock above
            # and then finds the key used.
            request.session.save()
    except ValidationError as exc:
        form.add_service_errors(exc)
        return _report_page(request, form)
    return redirect("cases:report_done", reported.case.number)


@require_GET
def report_questions(request: HttpRequest) -> HttpResponse:
    """Return the extra questions of the chosen category (an htmx fragment)."""
    form = QuestionsForm(category_code=request.GET.get("category", ""))
    return render(request, "cases/public/_questions.html", {"form": form})


@require_GET
def report_streets(request: HttpRequest) -> HttpResponse:
    """Return the street picker for the chosen community (an htmx fragment)."""
    form = ReportForm(initial={"community": request.GET.get("community")})
    return render(request, "cases/public/_street_picker.html", {"form": form})


@require_GET
def report_nearby(request: HttpRequest) -> HttpResponse:
    """Return open cases like the one being reported, nearby (an htmx fragment)."""
    form = NearbyForm(request.GET)
    rows = public.nearby_open_cases(**form.filters()) if form.is_ready() else None
    return render(request, "cases/public/_nearby.html", {"rows": rows})


@require_GET
def report_done(request: HttpRequest, number: str) -> HttpResponse:
    """Show the new case's number and tracking link, once, to its reporter."""
    token = SubmissionKeys(request.session).token_for(number)
    if not token:
        raise Http404
    track_url = request.build_absolute_uri(
        f"{reverse('cases:track', args=[number])}?{urlencode({'t': token})}"
    )
    return render(
        request,
        "cases/public/report_done.html",
        {"number": number, "token": token, "track_url": track_url},
    )


def _fingerprint(request: HttpRequest) -> str:
    if not request.session.session_key:
        request.session.save()
    return salted_hmac(
        "gongzhi.cases.supporter",
        request.session.session_key or "",
        algorithm="sha256",
    ).hexdigest()


@require_POST
def support(request: HttpRequest, number: str) -> HttpResponse:
    """Add a "me too" to an open case, for a signed-in or anonymous resident."""
    case = public.public_case_get(number=number)
    state, message = "added", ""
    try:
        if SubmissionKeys(request.session).token_for(number):
            raise ValidationError(_("You reported this case yourself."))
        if request.user.is_authenticated:
            added = case_support(case=case, user=request.user)
        else:
            added = case_support(case=case, fingerprint=_fingerprint(request))
        if not added:
            state = "already"
    except ValidationError as exc:
        state, message = "refused", " ".join(exc.messages)
    case.refresh_from_db(fields=["supporter_count"])
    if getattr(request, "htmx", False):
        return render(
            request,
            "cases/public/_support.html",
            {"case": case, "state": state, "message": message},
        )
    if state == "refused":
        messages.error(request, message)
    else:
        messages.success(request, _("Thank you: you are counted as having it too."))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("cases:public_case", args=[number])
    return HttpResponseRedirect(target)


# --- Public list and map ----------------------------------------------------------


def _filter_query(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@require_GET
def public_list(request: HttpRequest) -> HttpResponse:
    """List cases for everyone, without personal data, with filters and pages."""
    form = PublicFilterForm(request.GET)
    page = Paginator(public.public_case_list(**form.filters()), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "cases/public/list.html",
        {
            "form": form,
            "page": page,
            "rows": [public.public_case(case) for case in page],
            "query": _filter_query(request),
        },
    )


@require_GET
def public_map(request: HttpRequest) -> HttpResponse:
    """Show open cases on a map."""
    form = PublicFilterForm(request.GET)
    query = _filter_query(request)
    return render(
        request,
        "cases/public/map.html",
        {
            "form": form,
            "points_url": f"{reverse('cases:public_points')}?{query}",
            "query": query,
            **_map_config(),
        },
    )


@require_GET
def public_points(request: HttpRequest) -> JsonResponse:
    """Return open cases as GeoJSON points for the public map."""
    filters = PublicFilterForm(request.GET).filters()
    filters.pop("state", None)
    return JsonResponse(public.public_case_points(**filters))


@require_GET
def map_places(request: HttpRequest) -> HttpResponse:
    """Return the communities and streets as GeoJSON, the maps' base layer."""
    response = HttpResponse(public.map_places_json(), content_type="application/json")
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_GET
def public_detail(request: HttpRequest, number: str) -> HttpResponse:
    """Show one case to everyone, without personal data."""
    case = public.public_case_get(number=number)
    return render(
        request,
        "cases/public/case.html",
        {
            "case": public.public_case(case),
            "explanation": public.STATUS_EXPLANATIONS.get(Status(case.status), ""),
            "events": public.public_timeline(case=case),
        },
    )


@require_GET
def photo(request: HttpRequest, pk: int, size: str) -> FileResponse:
    """Serve a public photo (or its thumbnail) of a case its viewer may see."""
    if size not in ("thumb", "full"):
        raise Http404
    record = public.public_photo_get(pk=pk)
    case, token = record.case, request.GET.get("t", "")
    if case.status in public.HIDDEN_STATES and not (
        can_view_case(request.user, case) or case_check_token(case, token)
    ):
        raise Http404
    image = record.thumbnail if size == "thumb" else record.image
    content_type = mimetypes.guess_type(image.name)[0] or "application/octet-stream"
    response = FileResponse(image.open("rb"), content_type=content_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response
