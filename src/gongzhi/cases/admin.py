"""Admin registers of the cases app: categories, routing, deadlines; cases read-only.

Cases change only through the services (every change a case event), so the case
register shows them and lets nothing about their lifecycle be edited.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from gongzhi.core.admin import AuditedModelAdmin
from gongzhi.core.masking import mask_phone

from .choices import AttributeType
from .models import (
    Case,
    CaseEvent,
    Category,
    CategoryAttribute,
    DeadlinePolicy,
    HandlingAssignment,
    RoutingRule,
)

CHOICE_TYPES = (AttributeType.SINGLE, AttributeType.MULTI)

# What the case register shows, in reading order.
CASE_FIELDS: tuple[str, ...] = (
    "number",
    "status",
    "category",
    "urgency",
    "channel",
    "title",
    "description",
    "attributes",
    "community",
    "cooperative",
    "estate",
    "street",
    "address",
    "lat",
    "lng",
    "reporter",
    "reporter_name",
    "masked_reporter_phone",
    "is_anonymous",
    "entered_by",
    "external_id",
    "lead_unit",
    "merged_into",
    "reported_at",
    "accepted_at",
    "dispatched_at",
    "acknowledged_at",
    "contacted_at",
    "replied_at",
    "closed_at",
    "signoff_due_at",
    "contact_due_at",
    "resolve_due_at",
    "is_overdue",
    "extension_days",
    "under_supervision",
    "supervision_reason",
    "reopen_requested",
    "reopen_count",
    "unit_count",
    "supporter_count",
    "version",
)
# The only case fields the register may correct: bookkeeping, not lifecycle.
CASE_EDITABLE = frozenset({"title", "address", "external_id"})


class CategoryAttributeForm(forms.ModelForm):
    """Check that choice questions list their choices in the documented shape."""

    class Meta:
        model = CategoryAttribute
        fields = [
            "code",
            "datatype",
            "question_zh",
            "question_en",
            "required",
            "values",
            "order",
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        values = data.get("values")
        datatype = data.get("datatype")
        if datatype not in CHOICE_TYPES:
            if values:
                self.add_error(
                    "values",
                    _("Only single- and multiple-choice questions have choices."),
                )
            return data
        if not isinstance(values, list) or not values:
            self.add_error("values", _("List the choices of this question."))
            return data
        keys = []
        for index, value in enumerate(values, start=1):
            if not isinstance(value, dict) or not all(
                isinstance(value.get(k), str) and str(value[k]).strip()
                for k in ("key", "name_zh", "name_en")
            ):
                self.add_error(
                    "values",
                    _(
                        'Choice %(n)s must look like {"key": "k", "name_zh": "…", '
                        '"name_en": "…"}.'
                    )
                    % {"n": index},
                )
                return data
            keys.append(value["key"])
        if len(set(keys)) != len(keys):
            self.add_error("values", _("Each choice needs a key of its own."))
        return data


class CategoryAttributeInline(admin.TabularInline):
    model = CategoryAttribute
    form = CategoryAttributeForm
    extra = 0


@admin.register(Category)
class CategoryAdmin(AuditedModelAdmin):
    list_display = [
        "code",
        "name_zh",
        "name_en",
        "group",
        "default_urgency",
        "is_active",
        "order",
    ]
    list_editable = ["order"]
    list_filter = ["is_active", "group", "default_urgency"]
    search_fields = ["code", "name_zh", "name_en", "keywords"]
    inlines = [CategoryAttributeInline]


@admin.register(RoutingRule)
class RoutingRuleAdmin(AuditedModelAdmin):
    list_display = ["__str__", "category", "community", "street", "lead", "is_active"]
    list_filter = ["is_active", "category", "community"]
    search_fields = ["lead__name", "category__name_zh", "category__code"]
    filter_horizontal = ["assisting"]
    autocomplete_fields = ["lead"]
    list_select_related = [
        "category",
        "community",
        "street",
        "estate",
        "cooperative",
        "lead",
    ]


@admin.register(DeadlinePolicy)
class DeadlinePolicyAdmin(AuditedModelAdmin):
    list_display = [
        "__str__",
        "urgency",
        "signoff_days",
        "contact_hours",
        "resolve_days",
        "extension_cap_days",
    ]
    list_filter = ["urgency", "category"]
    list_select_related = ["category"]


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class HandlingAssignmentInline(ReadOnlyInline):
    model = HandlingAssignment
    fields = readonly_fields = (
        "organisation",
        "role",
        "dispatched_at",
        "acknowledged_at",
        "ended_at",
    )


class CaseEventInline(ReadOnlyInline):
    model = CaseEvent
    fields = readonly_fields = (
        "at",
        "action",
        "from_status",
        "to_status",
        "actor_label",
        "note",
        "is_public",
    )


@admin.register(Case)
class CaseAdmin(AuditedModelAdmin):
    """Cases are read here; their lifecycle changes only on the case page."""

    list_display = [
        "number",
        "category",
        "status",
        "urgency",
        "community",
        "lead_unit",
        "reported_at",
        "resolve_due_at",
        "under_supervision",
    ]
    list_filter = [
        "status",
        "urgency",
        "channel",
        "under_supervision",
        "category",
        "community",
    ]
    search_fields = ["number", "description", "address", "external_id"]
    date_hierarchy = "reported_at"
    list_select_related = ["category", "community", "lead_unit"]
    inlines = [HandlingAssignmentInline, CaseEventInline]
    fields = CASE_FIELDS
    readonly_fields = tuple(f for f in CASE_FIELDS if f not in CASE_EDITABLE)

    @admin.display(description=_("reporter's phone"))
    def masked_reporter_phone(self, obj: Case) -> str:
        return mask_phone(obj.reporter_phone)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CaseEvent)
class CaseEventAdmin(admin.ModelAdmin):
    """The case timeline, read-only: events are immutable."""

    list_display = [
        "case",
        "at",
        "action",
        "from_status",
        "to_status",
        "actor_label",
        "is_public",
    ]
    list_filter = ["action", "is_public"]
    search_fields = ["case__number", "actor_label", "note"]
    date_hierarchy = "at"
    list_select_related = ["case"]
    readonly_fields = [
        "case",
        "at",
        "actor",
        "actor_label",
        "action",
        "from_status",
        "to_status",
        "note",
        "is_public",
        "data",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
