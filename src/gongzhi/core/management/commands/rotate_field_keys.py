"""``gongzhi rotate_field_keys``: re-encrypt personal data under the first key.

Put the new key first in GONGZHI_FIELD_KEYS, restart, run this command, then
drop the old key (docs/operations.md). Every key in the list decrypts, so the
platform keeps working while the command runs, and it can be run again safely.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import models, transaction
from django.db.models.functions import Cast

from gongzhi.core import crypto
from gongzhi.core.audit import audit_record
from gongzhi.core.models import AuditEvent

BATCH_SIZE = 500


def encrypted_models() -> list[tuple[type[models.Model], list[str]]]:
    """Return every installed concrete model with encrypted fields, and the fields."""
    found = []
    for model in apps.get_models():
        meta = model._meta
        if meta.proxy or not meta.managed:
            continue
        fields = crypto.encrypted_fields(model)
        if fields:
            found.append((model, fields))
    return sorted(found, key=lambda item: item[0]._meta.label)


def _rotate_batch(
    model: type[models.Model], fields: list[str], after: Any, *, dry_run: bool
) -> tuple[Any, int, int]:
    """Rotate one batch of rows after primary key ``after``.

    Return the last primary key seen (None when no rows were left), the number
    of values re-encrypted and the number of rows changed.
    """
    # Cast to plain text so the stored tokens are read as they are, not
    # decrypted by the field; write back through Value for the same reason.
    raw = {
        f"gz_raw_{i}": Cast(name, models.TextField()) for i, name in enumerate(fields)
    }
    manager = model._base_manager
    values = rows = 0
    last = None
    with transaction.atomic():
        qs = manager.annotate(**raw).order_by("pk")
        if after is not None:
            qs = qs.filter(pk__gt=after)
        # Lock the batch (PostgreSQL) so a concurrent edit is not overwritten
        # with the old value; SQLite serialises writers at BEGIN already.
        batch = list(qs.select_for_update().values_list("pk", *raw)[:BATCH_SIZE])
        for pk, *tokens in batch:
            last = pk
            update = {}
            for name, token in zip(fields, tokens, strict=True):
                if not token:
                    continue
                try:
                    rotated = crypto.rotate(token)
                except (ValueError, ImproperlyConfigured) as exc:
                    raise CommandError(
                        f"{model._meta.label} {pk} field {name}: {exc}"
                    ) from exc
                update[name] = models.Value(rotated, output_field=models.TextField())
            if update:
                values += len(update)
                rows += 1
                if not dry_run:
                    manager.filter(pk=pk).update(**update)
    return last, values, rows


def rotate_model(
    model: type[models.Model], fields: list[str], *, dry_run: bool = False
) -> tuple[int, int]:
    """Re-encrypt every value of ``fields`` in ``model``; return (values, rows)."""
    values = rows = 0
    after = None
    while True:
        after, batch_values, batch_rows = _rotate_batch(
            model, fields, after, dry_run=dry_run
        )
        if after is None:
            return values, rows
        values += batch_values
        rows += batch_rows


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted field (phone and ID numbers) with the first key "
        "of GONGZHI_FIELD_KEYS, so that older keys can be removed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check that every value decrypts and count them; write nothing.",
        )

    def handle(self, *args: Any, dry_run: bool, **options: Any) -> None:
        try:
            crypto.fernet()
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        counts: dict[str, int] = {}
        for model, fields in encrypted_models():
            values, rows = rotate_model(model, fields, dry_run=dry_run)
            label = model._meta.label
            counts[label] = values
            verb = "would re-encrypt" if dry_run else "re-encrypted"
            self.stdout.write(
                f"{label}: {verb} {values} values in {rows} rows ({', '.join(fields)})"
            )
        total = sum(counts.values())
        if dry_run:
            self.stdout.write(f"Dry run: {total} values can be re-encrypted.")
            return
        audit_record(
            actor=None,
            action="crypto.rotate_field_keys",
            kind=AuditEvent.Kind.SYSTEM,
            note=", ".join(f"{label}: {n}" for label, n in counts.items()),
        )
        self.stdout.write(
            self.style.SUCCESS(f"Re-encrypted {total} values with the first key.")
        )
