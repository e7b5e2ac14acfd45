"""Validation of the answers to a category's extra questions (Open311 attributes)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from .choices import AttributeType
from .models import Category, CategoryAttribute

MAX_TEXT = 2000
# Larger numbers are no answer to any question a category asks, and an exponent
# such as 1e999999 would otherwise become a million-digit integer.
MAX_NUMBER = Decimal(10) ** 15


def _as_list(value: Any) -> list[str]:
    if value in (None, ""):
        return []
    # A blank answer is no answer, also to a required question.
    if isinstance(value, list | tuple):
        return [str(v).strip() for v in value if str(v).strip() != ""]
    return [str(value).strip()] if str(value).strip() else []


@lru_cache(maxsize=1024)
def _questions(category_pk: int, revision: int) -> tuple[CategoryAttribute, ...]:
    return tuple(CategoryAttribute.objects.filter(category_id=category_pk))


def category_questions(category: Category) -> tuple[CategoryAttribute, ...]:
    """Return ``category``'s extra questions in order, cached in this process.

    The cache is keyed by the category's ``questions_revision``, which every save
    or delete of a question bumps, so another process's edit is seen as soon as
    the category is read again. (Bulk inserts of questions bypass the bump.)
    """
    return _questions(category.pk, category.questions_revision)


def clean_attributes(category: Category, answers: dict[str, Any]) -> dict[str, Any]:
    """Return the answers typed and checked against ``category``'s questions.

    Raise ValidationError listing every problem, each naming its question.
    """
    errors: list[str] = []
    cleaned: dict[str, Any] = {}
    questions = {a.code: a for a in category_questions(category)}
    for code in answers:
        if code not in questions:
            errors.append(
                _("“%(code)s” is not a question of this category.") % {"code": code}
            )
    for code, attr in questions.items():
        raw = answers.get(code)
        values = _as_list(raw)
        label = attr.question
        if not values:
            if attr.required:
                errors.append(
                    _("“%(question)s” must be answered.") % {"question": label}
                )
            continue
        if any("\x00" in v for v in values):
            # PostgreSQL refuses NUL in JSON text.
            errors.append(
                _("“%(question)s” contains a null character, which is not allowed.")
                % {"question": label}
            )
            continue
        if attr.datatype != AttributeType.MULTI and len(values) > 1:
            errors.append(_("“%(question)s” takes one answer.") % {"question": label})
            continue
        value = values[0]
        if attr.datatype in (AttributeType.STRING, AttributeType.TEXT):
            limit = 200 if attr.datatype == AttributeType.STRING else MAX_TEXT
            if len(value) > limit:
                errors.append(
                    _("“%(question)s” allows at most %(max)s characters.")
                    % {"question": label, "max": limit}
                )
            else:
                cleaned[code] = value.strip()
        elif attr.datatype == AttributeType.NUMBER:
            try:
                number = Decimal(value)
                if not number.is_finite():
                    raise InvalidOperation
            except InvalidOperation:
                errors.append(
                    _("“%(question)s” must be a number.") % {"question": label}
                )
            else:
                if abs(number) >= MAX_NUMBER:
                    errors.append(
                        _("“%(question)s” is too large a number.") % {"question": label}
                    )
                    continue
                cleaned[code] = (
                    int(number) if number == number.to_integral() else float(number)
                )
        elif attr.datatype == AttributeType.DATETIME:
            try:
                parsed = parse_datetime(value) or (
                    dt.datetime.fromisoformat(value) if len(value) == 10 else None
                )
            except ValueError:
                parsed = None
            if parsed is None:
                errors.append(
                    _("“%(question)s” must be a date and time like 2026-11-27T09:30.")
                    % {"question": label}
                )
            else:
                cleaned[code] = parsed.isoformat()
        else:
            keys = {v.get("key") for v in attr.values}
            wrong = [v for v in values if v not in keys]
            if wrong:
                errors.append(
                    _("“%(value)s” is not one of the choices for “%(question)s”.")
                    % {"value": wrong[0], "question": label}
                )
            else:
                cleaned[code] = (
                    values if attr.datatype == AttributeType.MULTI else value
                )
    if errors:
        raise ValidationError(errors)
    return cleaned
