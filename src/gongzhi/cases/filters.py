"""The one filter definition behind every HTML list of cases (inbox, console)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.places.models import Community, Street

from .choices import HANDLING_STATES, OPEN_STATES, Channel, Status, Urgency
from .models import Case, Category

OPEN = "open"

SORTS: dict[str, tuple[Any, ...]] = {
    "deadline": (F("resolve_due_at").asc(nulls_last=True), "-reported_at"),
    "newest": ("-reported_at",),
    "oldest": ("reported_at",),
}


def overdue_q(now: dt.datetime) -> Q:
    """Cases a unit holds past their resolution deadline (flagged or not yet)."""
    return Q(status__in=HANDLING_STATES) & (
        Q(is_overdue=True) | Q(resolve_due_at__lt=now)
    )


def _blank(choices: Any) -> list[tuple[str, Any]]:
    return [("", _("any")), *choices]


class CaseFilter(forms.Form):
    """Filters of a case list, read from the query string.

    Invalid values are ignored (the list stays usable) and shown on the form.
    """

    q = forms.CharField(
        label=_("search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("case number or words")}
        ),
    )
    status = forms.ChoiceField(
        label=_("status"),
        required=False,
        choices=[("", _("any")), (OPEN, _("open")), *Status.choices],
    )
    category = forms.ModelChoiceField(
        label=_("category"),
        required=False,
        queryset=Category.objects.all(),
        empty_label=_("any"),
    )
    community = forms.ModelChoiceField(
        label=_("community"),
        required=False,
        queryset=Community.objects.all(),
        empty_label=_("any"),
    )
    street = forms.ModelChoiceField(
        label=_("street"),
        required=False,
        queryset=Street.objects.none(),
        empty_label=_("any"),
    )
    urgency = forms.ChoiceField(
        label=_("urgency"), required=False, choices=_blank(Urgency.choices)
    )
    channel = forms.ChoiceField(
        label=_("channel"), required=False, choices=_blank(Channel.choices)
    )
    reported_from = forms.DateField(
        label=_("reported from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    reported_to = forms.DateField(
        label=_("reported until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    overdue = forms.BooleanField(label=_("overdue only"), required=False)
    supervised = forms.NullBooleanField(label=_("under supervision"), required=False)
    sort = forms.ChoiceField(
        label=_("sort by"),
        required=False,
        choices=[
            ("deadline", _("deadline, soonest first")),
            ("newest", _("newest first")),
            ("oldest", _("oldest first")),
        ],
    )

    def __init__(
        self,
        data: Any = None,
        *,
        streets: QuerySet[Street] | None = None,
        default_status: str = "",
        **kwargs: Any,
    ) -> None:
        data = data.copy() if data is not None else {}
        if "status" not in data and default_status:
            data["status"] = default_status
        super().__init__(data, **kwargs)
        if streets is not None:
            self.fields["street"].queryset = streets  # type: ignore[attr-defined]
        self.fields["category"].queryset = Category.objects.filter(  # type: ignore[attr-defined]
            is_active=True
        )

    def value(self, name: str) -> Any:
        """Return the cleaned value of ``name``, or None when absent or invalid."""
        self.is_valid()
        return self.cleaned_data.get(name) or None

    def apply(
        self, queryset: QuerySet[Case], *, now: dt.datetime | None = None
    ) -> QuerySet[Case]:
        """Return ``queryset`` narrowed by the valid filters and sorted."""
        now = now or timezone.now()
        text = self.value("q")
        if text:
            text = text.strip()
            queryset = queryset.filter(
                Q(number__icontains=text)
                | Q(description__icontains=text)
                | Q(address__icontains=text)
            )
        status = self.value("status")
        if status == OPEN:
            queryset = queryset.filter(status__in=OPEN_STATES)
        elif status:
            queryset = queryset.filter(status=status)
        for name in ("category", "community", "street", "urgency", "channel"):
            value = self.value(name)
            if value:
                queryset = queryset.filter(**{name: value})
        start = self.value("reported_from")
        if start:
            queryset = queryset.filter(reported_at__date__gte=start)
        end = self.value("reported_to")
        if end:
            queryset = queryset.filter(reported_at__date__lte=end)
        if self.value("overdue"):
            queryset = queryset.filter(overdue_q(now))
        self.is_valid()
        supervised = self.cleaned_data.get("supervised")
        if supervised is not None:
            queryset = queryset.filter(under_supervision=supervised)
        return queryset.order_by(*SORTS[self.value("sort") or "deadline"])
