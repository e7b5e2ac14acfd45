"""Forms of the public pages: the report form, its parts, and the list filters.

The forms parse input and check its shape; the rules about cases (what a
description, a location or an answer must be) live in the services, whose
messages are shown beside the fields they name.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.contrib.sessions.backends.base import SessionBase
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gongzhi.core.validators import phone_validator
from gongzhi.places.models import Community, Street
from gongzhi.places.selectors import street_list

from .attributes import category_questions, clean_attributes
from .choices import AttributeType
from .models import Category, CategoryAttribute
from .photos import ProcessedPhoto, process_photos
from .services.intake import MAX_DESCRIPTION, MAX_PHOTOS

QUESTION_PREFIX = "q_"
LOCATION_MISSING = _(
    "Say where the problem is: click the map, pick a street, "
    "or choose the community and give the address."
)


def active_categories() -> list[Category]:
    return list(
        Category.objects.filter(is_active=True).order_by("group", "order", "code")
    )


def category_choices(categories: Iterable[Category]) -> list[tuple[str, Any]]:
    """Return ``categories`` grouped by their group, for a select."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for category in categories:
        groups.setdefault(category.group, []).append((category.code, category.name))
    choices: list[tuple[str, Any]] = [("", _("Choose what the problem is about"))]
    for group, items in groups.items():
        choices.append((group or str(_("Other")), items))
    return choices


def street_choices(community_id: int | None) -> list[tuple[str, str]]:
    """Return the streets of one community, for a select.

    A city has thousands of streets: the picker lists those of the chosen
    community only (and asks for the community first).
    """
    if community_id is None:
        return [("", str(_("Choose the community first")))]
    streets = street_list().filter(community_id=community_id)
    return [
        ("", str(_("Pick the street or alley"))),
        *((str(pk), name) for pk, name in streets.values_list("pk", "name")),
    ]


def _as_id(value: Any) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**63 else None


def picked_community_id(data: Any, initial: Mapping[str, Any]) -> int | None:
    """Return the community whose streets the form offers.

    The chosen community; else, when only a street was sent (an older form, a
    client that knows its street), that street's community.
    """
    source = data if data is not None else initial
    community = _as_id(source.get("community"))
    if community is not None:
        return community
    street = _as_id(source.get("street"))
    if street is None:
        return None
    return (
        street_list().filter(pk=street).values_list("community_id", flat=True).first()
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Up to three photos, each checked and cleaned by :func:`process_photos`."""

    widget = MultipleFileInput(
        attrs={"accept": "image/jpeg,image/png,image/webp", "multiple": True}
    )

    def clean(self, data: Any, initial: Any = None) -> list[ProcessedPhoto]:
        uploads = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(uploads) > MAX_PHOTOS:
            raise ValidationError(_("At most %(max)s photos.") % {"max": MAX_PHOTOS})
        return process_photos(uploads)


def _question_field(attr: CategoryAttribute) -> forms.Field:
    """Return the form field asking ``attr``; the service checks the answer."""
    choices = [
        (v.get("key", ""), attr.value_name(v.get("key", ""))) for v in attr.values
    ]
    html_required = {"required": True} if attr.required else {}
    field: forms.Field
    if attr.datatype == AttributeType.NUMBER:
        field = forms.CharField(
            widget=forms.NumberInput(attrs={"step": "any", **html_required})
        )
    elif attr.datatype == AttributeType.DATETIME:
        field = forms.CharField(
            widget=forms.DateTimeInput(
                attrs={"type": "datetime-local", **html_required}
            )
        )
    elif attr.datatype == AttributeType.TEXT:
        field = forms.CharField(
            widget=forms.Textarea(attrs={"rows": 3, "maxlength": 2000, **html_required})
        )
    elif attr.datatype == AttributeType.SINGLE:
        field = forms.ChoiceField(
            choices=choices, widget=forms.RadioSelect(attrs=html_required)
        )
    elif attr.datatype == AttributeType.MULTI:
        field = forms.MultipleChoiceField(
            choices=choices, widget=forms.CheckboxSelectMultiple
        )
    else:
        field = forms.CharField(
            widget=forms.TextInput(attrs={"maxlength": 200, **html_required})
        )
    # The service words the "must be answered" message with the question.
    field.required = False
    field.label = attr.question
    return field


def _add_questions(
    form: forms.Form, category: Category | None
) -> tuple[list[str], set[str]]:
    """Add ``category``'s questions to ``form``; return their names and the
    names of those that must be answered."""
    names, required = [], set()
    if category is not None:
        for attr in category_questions(category):
            name = f"{QUESTION_PREFIX}{attr.code}"
            form.fields[name] = _question_field(attr)
            names.append(name)
            if attr.required:
                required.add(name)
    return names, required


class QuestionsForm(forms.Form):
    """Just the extra questions of one category (the fragment htmx swaps in)."""

    def __init__(self, *args: Any, category_code: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        category = (
            Category.objects.filter(code=category_code, is_active=True).first()
            if category_code
            else None
        )
        self.question_names, self.required_questions = _add_questions(self, category)

    @property
    def questions(self) -> list[forms.BoundField]:
        return [self[name] for name in self.question_names]


class NearbyForm(forms.Form):
    """Where and what is being reported, to look for the same problem nearby."""

    chosen_category: Category | None = None

    category = forms.CharField(required=False)
    lat = forms.FloatField(required=False, min_value=-90, max_value=90)
    lng = forms.FloatField(required=False, min_value=-180, max_value=180)
    street = forms.IntegerField(required=False, min_value=1)

    def filters(self) -> dict[str, Any]:
        """Return the selector's arguments; call :meth:`is_ready` first."""
        data = self.cleaned_data
        street = (
            Street.objects.filter(pk=data["street"]).first()
            if data.get("street")
            else None
        )
        return {
            "category": self.chosen_category,
            "lat": data.get("lat"),
            "lng": data.get("lng"),
            "street": street,
        }

    def is_ready(self) -> bool:
        """Return whether a category and a place are given."""
        if not self.is_valid():
            return False
        data = self.cleaned_data
        self.chosen_category = (
            Category.objects.filter(code=data["category"], is_active=True).first()
            if data.get("category")
            else None
        )
        has_point = data.get("lat") is not None and data.get("lng") is not None
        return self.chosen_category is not None and (
            has_point or bool(data.get("street"))
        )


class ReportForm(forms.Form):
    """The public report form; extra questions follow the chosen category."""

    submission = forms.CharField(widget=forms.HiddenInput)
    category = forms.ChoiceField(
        label=_("What is it about?"),
        error_messages={"required": _("Choose what the problem is about.")},
    )
    description = forms.CharField(
        label=_("Describe the problem"),
        error_messages={"required": _("Describe the problem.")},
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": MAX_DESCRIPTION}),
    )
    lat = forms.FloatField(
        required=False, min_value=-90, max_value=90, widget=forms.HiddenInput
    )
    lng = forms.FloatField(
        required=False, min_value=-180, max_value=180, widget=forms.HiddenInput
    )
    street = forms.ChoiceField(label=_("Street or alley"), required=False)
    community = forms.ModelChoiceField(
        label=_("Community"),
        queryset=Community.objects.order_by("code"),
        required=False,
        empty_label=_("Choose the community"),
    )
    address = forms.CharField(
        label=_("Address or landmark"), max_length=200, required=False
    )
    photos = PhotosField(
        label=_("Photos (up to 3)"),
        required=False,
        help_text=_("JPEG, PNG or WebP, at most 10 MB each. Location data is removed."),
    )
    reporter_name = forms.CharField(label=_("Your name"), max_length=50, required=False)
    reporter_phone = forms.CharField(
        label=_("Phone"),
        max_length=20,
        required=False,
        validators=[phone_validator],
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    reporter_email = forms.EmailField(label=_("E-mail"), required=False)
    is_anonymous = forms.BooleanField(
        label=_("Keep my name from everyone, handlers included"), required=False
    )
    consent_contact = forms.BooleanField(
        label=_(
            "I agree that the community and the unit handling this case may "
            "contact me about it by the phone or e-mail I gave."
        ),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.section_errors: dict[str, list[str]] = {}
        category_field = self.fields["category"]
        category_field.choices = category_choices(active_categories())  # type: ignore[attr-defined]
        category_field.widget.attrs.update(
            {
                "hx-get": reverse("cases:report_questions"),
                "hx-target": "#questions",
                "hx-trigger": "change",
            }
        )
        community = picked_community_id(
            self.data if self.is_bound else None, self.initial
        )
        self.fields["street"].choices = street_choices(community)  # type: ignore[attr-defined]
        self.fields["community"].widget.attrs.update(
            {
                "hx-get": reverse("cases:report_streets"),
                "hx-target": "#street-picker",
                "hx-select": "#street-picker",
                "hx-swap": "outerHTML",
                "hx-trigger": "change",
            }
        )
        self.chosen_category = self._chosen_category()
        self.question_names, self.required_questions = _add_questions(
            self, self.chosen_category
        )

    def _chosen_category(self) -> Category | None:
        code = (
            self.data.get("category") if self.is_bound else self.initial.get("category")
        )
        if not code:
            return None
        return Category.objects.filter(code=code, is_active=True).first()

    @property
    def questions(self) -> list[forms.BoundField]:
        return [self[name] for name in self.question_names]

    def clean_category(self) -> Category:
        if self.chosen_category is None:
            raise ValidationError(_("Choose what the problem is about."))
        return self.chosen_category

    def clean_street(self) -> Street | None:
        value = self.cleaned_data.get("street")
        if not value:
            return None
        return Street.objects.select_related("community").get(pk=value)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        has_point = data.get("lat") is not None and data.get("lng") is not None
        if not (has_point or data.get("street") or data.get("community")):
            self.add_section_error("location", [str(LOCATION_MISSING)])
        if self.chosen_category is not None:
            # The same check the service makes, here too so that every problem
            # with the form is listed at once.
            try:
                clean_attributes(self.chosen_category, self.answers())
            except ValidationError as exc:
                self.add_section_error("attributes", exc.messages)
        if (data.get("reporter_phone") or data.get("reporter_email")) and not data.get(
            "consent_contact"
        ):
            self.add_error(
                "consent_contact",
                _(
                    "Tick this box so that we may contact you, or leave the phone "
                    "and e-mail empty."
                ),
            )
        return data

    def answers(self) -> dict[str, Any]:
        """Return the answers to the category's questions, keyed by question code."""
        answers: dict[str, Any] = {}
        for name in self.question_names:
            value = self.cleaned_data.get(name)
            if value not in (None, "", []):
                answers[name.removeprefix(QUESTION_PREFIX)] = value
        return answers

    def add_section_error(self, section: str, messages: Iterable[str]) -> None:
        """Record errors of a part of the form that is not a single field."""
        self.section_errors.setdefault(section, []).extend(messages)

    def add_service_errors(self, error: ValidationError) -> None:
        """Show a service's ValidationError beside the fields it names."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error.messages)
            return
        for key, errors in error.message_dict.items():
            if key in self.fields:
                self.add_error(key, errors)
            else:
                self.add_section_error(key, errors)

    @property
    def has_section_errors(self) -> bool:
        return any(self.section_errors.values())

    def is_valid(self) -> bool:
        return super().is_valid() and not self.has_section_errors


class SubmissionKeys:
    """One-time keys that make a double-posted report create a single case.

    Each rendered form carries a key kept in the session; the first post that
    uses it records the case number under it, and every later post with the same
    key is shown that case instead of creating another.
    """

    PENDING = "cases.report.pending"
    DONE = "cases.report.done"
    TOKENS = "cases.report.tokens"
    KEEP = 20

    def __init__(self, session: SessionBase) -> None:
        self.session = session

    def issue(self) -> str:
        key = secrets.token_urlsafe(16)
        pending = [*self.session.get(self.PENDING, []), key][-self.KEEP :]
        self.session[self.PENDING] = pending
        return key

    def is_pending(self, key: str) -> bool:
        return bool(key) and key in self.session.get(self.PENDING, [])

    def done_number(self, key: str) -> str | None:
        return self.session.get(self.DONE, {}).get(key) if key else None

    def complete(self, key: str, *, number: str, token: str) -> None:
        pending = [k for k in self.session.get(self.PENDING, []) if k != key]
        done = dict(list(self.session.get(self.DONE, {}).items())[-self.KEEP + 1 :])
        tokens = dict(list(self.session.get(self.TOKENS, {}).items())[-self.KEEP + 1 :])
        done[key] = number
        tokens[number] = token
        self.session[self.PENDING] = pending
        self.session[self.DONE] = done
        self.session[self.TOKENS] = tokens

    def token_for(self, number: str) -> str | None:
        return self.session.get(self.TOKENS, {}).get(number)

    def refresh(self, fresh: dict[str, Any]) -> None:
        """Replace this request's copy of the keys with ``fresh`` session data."""
        for name in (self.PENDING, self.DONE, self.TOKENS):
            if name in fresh:
                self.session[name] = fresh[name]


class PublicFilterForm(forms.Form):
    """Filters of the public list and map."""

    category = forms.ChoiceField(label=_("Category"), required=False)
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[
            ("", _("open and closed")),
            ("open", _("open")),
            ("closed", _("closed")),
        ],
    )
    community = forms.ModelChoiceField(
        label=_("Community"),
        queryset=Community.objects.order_by("code"),
        required=False,
        empty_label=_("all communities"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.categories = {c.code: c for c in active_categories()}
        choices = category_choices(self.categories.values())
        choices[0] = ("", _("all categories"))
        self.fields["category"].choices = choices  # type: ignore[attr-defined]

    def filters(self) -> dict[str, Any]:
        """Return the valid filters as keyword arguments for the selectors."""
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "category": self.categories.get(data.get("category") or ""),
            "state": data.get("state") or "",
            "community": data.get("community"),
        }
