from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from gongzhi.core.admin import AuditedModelAdmin

from .models import ConsentRecord, RoleAssignment, User


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    fields = [
        "role",
        "subdistrict",
        "community",
        "cooperative",
        "street",
        "organisation",
        "valid_from",
        "valid_to",
    ]


@admin.register(User)
class UserAdmin(AuditedModelAdmin, DjangoUserAdmin):
    list_display = [
        "username",
        "display_name",
        "masked_phone",
        "is_party_member",
        "is_active",
    ]
    list_filter = ["is_active", "is_staff", "is_party_member", "is_newcomer"]
    search_fields = ["username", "display_name", "email"]
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (
            _("Resident"),
            {
                "fields": (
                    "display_name",
                    "phone",
                    "id_number",
                    "is_party_member",
                    "is_newcomer",
                )
            },
        ),
    )
    inlines = [RoleAssignmentInline]

    @admin.display(description=_("mobile phone"))
    def masked_phone(self, obj: User) -> str:
        return obj.masked_phone

    def get_form(  # type: ignore[override]
        self, request: Any, obj: Any = None, **kwargs: Any
    ) -> Any:
        if obj is not None and obj.pk:
            from gongzhi.core.audit import audit_read

            audit_read(actor=request.user, obj=obj, fields=["phone", "id_number"])
        return super().get_form(request, obj, **kwargs)


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(AuditedModelAdmin):
    list_display = ["user", "role", "scope_display", "valid_from", "valid_to"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__display_name"]
    autocomplete_fields = ["user"]

    @admin.display(description=_("scope"))
    def scope_display(self, obj: RoleAssignment) -> str:
        return str(obj.scope or _("whole platform"))


@admin.register(ConsentRecord)
class ConsentRecordAdmin(AuditedModelAdmin):
    list_display = ["user", "purpose", "granted_at", "expires_at", "withdrawn_at"]
    list_filter = ["purpose"]
    autocomplete_fields = ["user"]
