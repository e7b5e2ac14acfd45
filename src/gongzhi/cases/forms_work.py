"""Forms of the work pages: one per case action, bulk actions, hotline entry.

Forms parse input only. Whether a reason is required, a unit may act or a case
may move is decided by the services, so every channel gives the same message.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from gongzhi.core.validators import phone_validator
from gongzhi.orgs.models import Organisation
from gongzhi.places.models import Community, Street

from .attributes import category_questions
from .choices import AttributeType, Urgency
from .models import Case, Category
from .routing import route_for
from .selectors_work import dispatch_units
from .services.intake import MAX_PHOTOS

NOTE_MAX = 2000
APPROVE, REFUSE = "approve", "refuse"
CONFIRM, REWORK = "confirm", "rework"


def _text(label: Any, *, required_hint: bool = False, rows: int = 3) -> forms.CharField:
    attrs: dict[str, Any] = {"rows": rows}
    if required_hint:
        attrs["required"] = True
    return forms.CharField(
        label=label,
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs=attrs),
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Up to MAX_PHOTOS uploaded photos (checked and cleaned by cases.photos)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "widget",
            MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        )
        kwargs.setdefault("help_text", _("Up to %(max)s photos.") % {"max": MAX_PHOTOS})
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        uploads = data if isinstance(data, list | tuple) else [data]
        files = [forms.FileField.clean(self, d, initial) for d in uploads if d]
        if len(files) > MAX_PHOTOS:
            raise ValidationError(
                _("At most %(max)s photos.") % {"max": MAX_PHOTOS}, code="too_many"
            )
        return files


# --- Case actions ----------------------------------------------------------------


class CaseActionForm(forms.Form):
    """Base of every action form: it carries the version it was rendered from."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    has_files = False

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        self.case = case
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("version", case.version)
        super().__init__(*args, **kwargs)
        self.fields["version"].error_messages["required"] = _(
            "The form is incomplete. Reload the page and try again."
        )


class RequiredNoteForm(CaseActionForm):
    note = _text(_("note"), required_hint=True)


class ReasonForm(CaseActionForm):
    reason = _text(_("reason"), required_hint=True)


class AcceptForm(CaseActionForm):
    category = forms.ModelChoiceField(
        label=_("category"), queryset=Category.objects.none(), required=False
    )
    urgency = forms.ChoiceField(
        label=_("urgency"), choices=Urgency.choices, required=False
    )
    note = _text(_("note"), rows=2)

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("category", case.category_id)
        kwargs["initial"].setdefault("urgency", case.urgency)
        super().__init__(*args, case=case, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(  # type: ignore[attr-defined]
            is_active=True
        )


class MergeForm(CaseActionForm):
    into = forms.CharField(
        label=_("number of the case it duplicates"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"required": True, "autocomplete": "off"}),
    )
    note = _text(_("note"), rows=2)


class DispatchForm(CaseActionForm):
    lead = forms.ModelChoiceField(
        label=_("lead unit"),
        queryset=Organisation.objects.none(),
        error_messages={"required": _("Choose the lead unit.")},
    )
    assisting = forms.ModelMultipleChoiceField(
        label=_("assisting units"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = _text(_("instructions for the unit"), rows=2)

    def __init__(
        self,
        *args: Any,
        case: Case,
        units: QuerySet[Organisation] | None = None,
        **kwargs: Any,
    ) -> None:
        if not args and "data" not in kwargs:
            route = route_for(case)
            kwargs.setdefault("initial", {})
            if route.lead is not None:
                kwargs["initial"].setdefault("lead", route.lead.pk)
                kwargs["initial"].setdefault(
                    "assisting", [o.pk for o in route.assisting]
                )
        super().__init__(*args, case=case, **kwargs)
        units = (
            units if units is not None else dispatch_units(communities=[case.community])
        )
        self.fields["lead"].queryset = units  # type: ignore[attr-defined]
        self.fields["assisting"].queryset = units  # type: ignore[attr-defined]


class DecisionForm(CaseActionForm):
    """Approve or refuse (a return, an extension), with a note for the unit."""

    decision = forms.ChoiceField(
        choices=[(APPROVE, _("approve")), (REFUSE, _("refuse"))],
        error_messages={"required": _("Choose approve or refuse.")},
    )
    note = _text(_("note for the unit"), rows=2)


class PhotoNoteForm(CaseActionForm):
    note = _text(_("what was done"), required_hint=True)
    photos = PhotosField(label=_("photos"))
    has_files = True


class VerifyForm(CaseActionForm):
    decision = forms.ChoiceField(
        choices=[(CONFIRM, _("confirm the result")), (REWORK, _("send back"))],
        error_messages={"required": _("Choose confirm or send back.")},
    )
    note = _text(_("findings"), rows=2)
    photos = PhotosField(label=_("photos"))
    has_files = True


class ExtensionForm(CaseActionForm):
    days = forms.IntegerField(
        label=_("more working days"),
        min_value=1,
        max_value=60,
        error_messages={"required": _("Say how many working days are needed.")},
    )
    reason = _text(_("reason"), required_hint=True)


# --- Bulk actions in the console ---------------------------------------------------


BULK_ACCEPT, BULK_DISPATCH = "accept", "dispatch"


class SelectionField(forms.Field):
    """The ticked cases of a list, each posted as "id:version"."""

    widget = forms.MultipleHiddenInput

    def clean(self, value: Any) -> list[tuple[int, int]]:
        pairs = []
        for item in value or []:
            try:
                pk, version = (int(part) for part in str(item).split(":", 1))
            except ValueError:
                raise ValidationError(
                    _("The selection is damaged; reload the page.")
                ) from None
            pairs.append((pk, version))
        if not pairs:
            raise ValidationError(_("Tick at least one case."))
        return pairs


class BulkForm(forms.Form):
    cases = SelectionField()
    action = forms.ChoiceField(
        label=_("action"),
        choices=[
            (BULK_ACCEPT, _("accept")),
            (BULK_DISPATCH, _("dispatch")),
        ],
    )
    unit = forms.ModelChoiceField(
        label=_("to unit"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("each by its routing rule"),
    )

    def __init__(
        self, *args: Any, units: QuerySet[Organisation], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]


# --- Hotline entry ----------------------------------------------------------------


def attribute_field(attribute: Any) -> forms.Field:
    """Return a form field asking one of a category's extra questions."""
    label = attribute.question + (" *" if attribute.required else "")
    if attribute.datatype in (AttributeType.SINGLE, AttributeType.MULTI):
        choices = [
            (v.get("key"), attribute.value_name(v.get("key"))) for v in attribute.values
        ]
        if attribute.datatype == AttributeType.MULTI:
            return forms.MultipleChoiceField(
                label=label,
                choices=choices,
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )
        return forms.ChoiceField(
            label=label, choices=[("", "—"), *choices], required=False
        )
    if attribute.datatype == AttributeType.TEXT:
        return forms.CharField(
            label=label, required=False, widget=forms.Textarea(attrs={"rows": 2})
        )
    if attribute.datatype == AttributeType.DATETIME:
        return forms.CharField(
            label=label,
            required=False,
            widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        )
    if attribute.datatype == AttributeType.NUMBER:
        return forms.CharField(
            label=label,
            required=False,
            widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        )
    return forms.CharField(label=label, required=False, max_length=200)


class HotlineForm(forms.Form):
    """A case taken on the phone (12345 hotline) on a resident's behalf."""

    ATTRIBUTE_PREFIX = "attr_"

    category = forms.ModelChoiceField(
        label=_("category"),
        queryset=Category.objects.none(),
        error_messages={"required": _("Choose the category.")},
    )
    description = forms.CharField(
        label=_("description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "required": True}),
    )
    urgency = forms.ChoiceField(
        label=_("urgency"),
        choices=[("", _("the category's default")), *Urgency.choices],
        required=False,
    )
    street = forms.ModelChoiceField(
        label=_("street"), queryset=Street.objects.none(), required=False
    )
    community = forms.ModelChoiceField(
        label=_("community (when no street fits)"),
        queryset=Community.objects.none(),
        required=False,
    )
    address = forms.CharField(label=_("address"), max_length=200, required=False)
    reporter_name = forms.CharField(
        label=_("caller's name"), max_length=50, required=False
    )
    reporter_phone = forms.CharField(
        label=_("caller's phone"),
        max_length=20,
        required=False,
        validators=[phone_validator],
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel"}),
    )
    is_anonymous = forms.BooleanField(
        label=_("the caller asks to stay anonymous"), required=False
    )
    consent_contact = forms.BooleanField(
        label=_("the caller agrees to be contacted about this case by this phone"),
        required=False,
    )

    def __init__(
        self,
        *args: Any,
        streets: QuerySet[Street],
        communities: QuerySet[Community],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(  # type: ignore[attr-defined]
            is_active=True
        )
        self.fields["street"].queryset = streets  # type: ignore[attr-defined]
        self.fields["community"].queryset = communities  # type: ignore[attr-defined]
        self.chosen_category = self._chosen_category()
        if self.chosen_category is not None:
            for attribute in category_questions(self.chosen_category):
                self.fields[self.ATTRIBUTE_PREFIX + attribute.code] = attribute_field(
                    attribute
                )

    def _chosen_category(self) -> Category | None:
        raw = (self.data or {}).get("category") or self.initial.get("category")
        if not raw:
            return None
        try:
            return Category.objects.filter(is_active=True).get(pk=int(raw))
        except (ValueError, TypeError, Category.DoesNotExist):
            return None

    @property
    def attribute_fields(self) -> list[forms.BoundField]:
        return [
            self[name] for name in self.fields if name.startswith(self.ATTRIBUTE_PREFIX)
        ]

    def answers(self) -> dict[str, Any]:
        """Return the answers to the category's questions, keyed by code."""
        return {
            name.removeprefix(self.ATTRIBUTE_PREFIX): value
            for name, value in self.cleaned_data.items()
            if name.startswith(self.ATTRIBUTE_PREFIX) and value not in ("", [], None)
        }
