"""Admin for core records, and the audited ModelAdmin every register uses."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .audit import audit_record, diff
from .crypto import encrypted_fields
from .masking import mask_phone
from .models import AuditEvent, CalendarOverride, CalendarYear, WorkerHeartbeat


def _masked(model: type[models.Model], values: dict[str, Any]) -> dict[str, Any]:
    secret = set(encrypted_fields(model))
    return {
        k: (mask_phone(str(v)) if k in secret and v else v) for k, v in values.items()
    }


class AuditedModelAdmin(admin.ModelAdmin):
    """A ModelAdmin that writes every add, change and delete to the audit log."""

    def save_model(
        self, request: HttpRequest, obj: Any, form: Any, change: bool
    ) -> None:
        before = {}
        if change and obj.pk:
            old = type(obj).objects.filter(pk=obj.pk).values().first() or {}
            before = {k: old.get(k) for k in form.changed_data if k in old}
        super().save_model(request, obj, form, change)
        after = {k: getattr(obj, k, None) for k in form.changed_data}
        audit_record(
            actor=request.user,
            action="admin.change" if change else "admin.add",
            obj=obj,
            changes=diff(_masked(type(obj), before), _masked(type(obj), after)),
        )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        audit_record(actor=request.user, action="admin.delete", obj=obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            audit_record(actor=request.user, action="admin.delete", obj=obj)
        super().delete_queryset(request, queryset)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = [
        "at",
        "kind",
        "actor_repr",
        "action",
        "object_type",
        "object_repr",
        "ip",
    ]
    list_filter = ["kind", "action", "object_type"]
    search_fields = ["actor_repr", "object_repr", "object_id", "request_id"]
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(AuditedModelAdmin):
    list_display = ["date", "is_working_day", "name"]
    list_filter = ["is_working_day"]
    date_hierarchy = "date"


@admin.register(CalendarYear)
class CalendarYearAdmin(AuditedModelAdmin):
    list_display = ["year", "confirmed_by", "source"]

    def save_model(
        self, request: HttpRequest, obj: Any, form: Any, change: bool
    ) -> None:
        obj.confirmed_by = obj.confirmed_by or request.user.get_username()
        super().save_model(request, obj, form, change)


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ["name", "seen_at"]
    readonly_fields = ["name", "seen_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


admin.site.site_header = _("Gongzhi administration")
admin.site.site_title = _("Gongzhi")
admin.site.index_title = _("Registers")
