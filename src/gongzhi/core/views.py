"""Views of the core: health check."""

from __future__ import annotations

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

import gongzhi


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Report whether the platform can serve: database reachable, worker alive."""
    from .models import WorkerHeartbeat

    body: dict[str, object] = {
        "status": "ok",
        "version": gongzhi.__version__,
        "database": {"vendor": connection.vendor, "ok": True},
        "tasks_backend": settings.TASKS_BACKEND,
    }
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        last = (
            WorkerHeartbeat.objects.order_by("-seen_at")
            .values_list("seen_at", flat=True)
            .first()
        )
    except DatabaseError as exc:
        body["status"] = "error"
        body["database"] = {
            "vendor": connection.vendor,
            "ok": False,
            "error": str(exc)[:200],
        }
        return JsonResponse(body, status=503)
    body["worker_last_seen"] = last.isoformat() if last else None
    body["worker_age_seconds"] = (
        round((timezone.now() - last).total_seconds()) if last else None
    )
    return JsonResponse(body)
