"""Admin: issue, list and revoke Open311 API keys; see what came in by Open311."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from gongzhi.core.admin import AuditedModelAdmin

from .models import ApiKey, Open311Request
from .services import api_key_create, api_key_revoke


@admin.register(ApiKey)
class ApiKeyAdmin(AuditedModelAdmin):
    list_display = ["name", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix"]
    readonly_fields = [
        "prefix",
        "created_by",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    actions = ["revoke"]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ["name"] if obj is None else ["name", *self.readonly_fields]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A key is revoked, never deleted: the requests it brought refer to it.
        return False

    def save_model(
        self, request: HttpRequest, obj: Any, form: Any, change: bool
    ) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        created, raw_key = api_key_create(name=obj.name, actor=request.user)
        for field in ("pk", "prefix", "key_hash", "created_by", "created_at"):
            setattr(obj, field, getattr(created, field))
        obj.updated_at = created.updated_at
        obj._state.adding = False
        obj._state.db = created._state.db
        messages.warning(
            request,
            _(
                "The API key for %(name)s is %(key)s — copy it now and give it to "
                "the client: it is not stored and is shown only this once."
            )
            % {"name": created.name, "key": raw_key},
        )

    @admin.action(description=_("Revoke the selected keys"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        for api_key in queryset:
            api_key_revoke(api_key=api_key, actor=request.user)
        self.message_user(request, _("The selected keys are revoked."))


@admin.register(Open311Request)
class Open311RequestAdmin(admin.ModelAdmin):
    list_display = ["case", "api_key", "created_at", "account_id", "device_id"]
    list_filter = ["api_key"]
    search_fields = ["case__number", "account_id", "device_id", "token"]
    list_select_related = ["case", "api_key"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
