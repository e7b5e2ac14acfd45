"""Insert many rows fast, for the synthetic data set.

``bulk_create`` prepares every value through the field machinery, which costs
more than the database at a million rows. :func:`fast_insert` converts each
column once with a converter chosen for its field type and database, and sends
rows with ``COPY`` on PostgreSQL and ``executemany`` on SQLite. It is for
generated data only: no signals, no ``save()``, no primary keys returned.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable
from typing import Any

from django.db import connection, models
from django.utils import timezone

from gongzhi.core.crypto import EncryptedCharField

_CHUNK = 5000


def _identity(value: Any) -> Any:
    return value


def _converter(field: models.Field[Any, Any]) -> Callable[[Any], Any]:
    postgres = connection.vendor == "postgresql"
    if isinstance(field, EncryptedCharField):
        return field.get_prep_value
    if isinstance(field, models.JSONField):
        return json.dumps
    if isinstance(field, models.DateTimeField):
        if postgres:
            return _identity

        def to_sqlite(value: dt.datetime | None) -> str | None:
            if value is None:
                return None
            naive = value.astimezone(dt.UTC).replace(tzinfo=None)
            return naive.isoformat(" ")

        return to_sqlite
    if isinstance(field, models.DateField) and not postgres:
        return lambda value: None if value is None else value.isoformat()
    return _identity


def fast_insert(model: type[models.Model], rows: Iterable[dict[str, Any]]) -> int:
    """Insert ``rows`` (attribute name -> value; defaults fill the rest).

    Return how many rows went in.
    """
    now = timezone.now()
    fields = [
        f
        for f in model._meta.concrete_fields
        if not (f.primary_key and isinstance(f, models.AutoField))
    ]
    names = [f.attname for f in fields]
    defaults: dict[str, Any] = {}
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            defaults[f.attname] = now
        else:
            defaults[f.attname] = f.get_default()
    converters = [_converter(f) for f in fields]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(f.column) for f in fields)

    def values(row: dict[str, Any]) -> tuple[Any, ...]:
        return tuple(
            convert(row[name] if name in row else defaults[name])
            for name, convert in zip(names, converters, strict=True)
        )

    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(values(row))
                    count += 1
            return count
        placeholders = ", ".join(["%s"] * len(fields))
        sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608
        batch: list[tuple[Any, ...]] = []
        for row in rows:
            batch.append(values(row))
            if len(batch) >= _CHUNK:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch.clear()
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count
