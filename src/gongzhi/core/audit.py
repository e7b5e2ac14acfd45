"""The append-only audit log: every change to a record, every sensitive read."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models

from . import context
from .models import AuditEvent


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, models.Model):
        return value.pk
    return str(value)


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """Return ``{field: [before, after]}`` for every field whose value changed."""
    keys = list(dict.fromkeys([*before.keys(), *after.keys()]))
    return {
        key: [_jsonable(before.get(key)), _jsonable(after.get(key))]
        for key in keys
        if before.get(key) != after.get(key)
    }


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """Return the current values of ``fields`` on ``obj`` for a later :func:`diff`."""
    return {name: getattr(obj, name) for name in fields}


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    changes: Mapping[str, list[Any]] | None = None,
    note: str = "",
    kind: str = AuditEvent.Kind.CHANGE,
) -> AuditEvent:
    """Append one event to the audit log and return it.

    ``actor`` is a user or None (the system). Sensitive values must be masked by
    the caller before they are passed in ``changes``.
    """
    ctx = context.current()
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEvent.objects.create(
        kind=kind,
        actor=actor if authenticated else None,
        actor_repr=(actor.get_username() if authenticated else "")[:150],
        action=action[:100],
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        changes=dict(changes or {}),
        note=note,
        request_id=ctx.request_id,
        ip=ctx.ip,
    )


def audit_read(*, actor: Any, obj: models.Model, fields: Iterable[str]) -> AuditEvent:
    """Record that ``actor`` read the sensitive ``fields`` of ``obj``."""
    return audit_record(
        actor=actor,
        action="read",
        obj=obj,
        note=", ".join(fields),
        kind=AuditEvent.Kind.READ,
    )
