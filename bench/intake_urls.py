"""Bench-only URLs: the product's, plus a bare view, a one-row write and a JSON intake.

``/bench/bare/`` is the framework's ceiling: the full middleware stack and a
view that does nothing. ``/bench/intake/`` takes a report as JSON and calls the
same intake service as every channel (``services.case_report``), without the
form, the session and the CSRF check. Neither exists outside bench/.
"""

from __future__ import annotations

import json
from functools import cache

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from gongzhi.cases.models import Category
from gongzhi.cases.services import case_report
from gongzhi.core.models import AuditEvent
from gongzhi.places.models import Street
from gongzhi.urls import (  # noqa: F401  (the error handlers of the product)
    handler400,
    handler403,
    handler404,
    handler500,
)
from gongzhi.urls import urlpatterns as product_patterns


@csrf_exempt
def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok", content_type="text/plain")


@csrf_exempt
@require_POST
def one_row(request: HttpRequest) -> HttpResponse:
    """Write one small row in a transaction: the floor under any intake."""
    with transaction.atomic():
        row = AuditEvent.objects.create(action="bench.row", object_type="bench")
    return JsonResponse({"id": row.pk}, status=201)


@cache
def _category(code: str) -> Category:
    return Category.objects.get(code=code)


@cache
def _street(code: str) -> Street:
    return Street.objects.select_related("community", "cooperative").get(code=code)


@csrf_exempt
@require_POST
def intake(request: HttpRequest) -> HttpResponse:
    data = json.loads(request.body)
    try:
        reported = case_report(
            category=_category(data["category"]),
            description=data["description"],
            street=_street(data["street"]),
            reporter_name=data.get("name", ""),
            reporter_phone=data.get("phone", ""),
        )
    except ValidationError as exc:
        return JsonResponse({"errors": exc.messages}, status=400)
    return JsonResponse({"number": reported.case.number}, status=201)


urlpatterns = [
    path("bench/bare/", bare),
    path("bench/intake/", intake),
    path("bench/row/", one_row),
    *product_patterns,
]
