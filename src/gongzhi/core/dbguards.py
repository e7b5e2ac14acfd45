"""Database triggers that make the audit log append-only even for raw SQL."""

from __future__ import annotations

from typing import Any

TABLE = "core_auditevent"
MESSAGE = "The audit log is append-only"

_SQL = {
    "sqlite": {
        "install": [
            f"CREATE TRIGGER IF NOT EXISTS {TABLE}_no_update BEFORE UPDATE ON {TABLE} "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
            f"CREATE TRIGGER IF NOT EXISTS {TABLE}_no_delete BEFORE DELETE ON {TABLE} "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
        ],
        "drop": [
            f"DROP TRIGGER IF EXISTS {TABLE}_no_update",
            f"DROP TRIGGER IF EXISTS {TABLE}_no_delete",
        ],
    },
    "postgresql": {
        "install": [
            f"CREATE OR REPLACE FUNCTION {TABLE}_append_only() RETURNS trigger AS $$ "
            f"BEGIN RAISE EXCEPTION '{MESSAGE}'; END; $$ LANGUAGE plpgsql",
            f"DROP TRIGGER IF EXISTS {TABLE}_no_change ON {TABLE}",
            f"CREATE TRIGGER {TABLE}_no_change BEFORE UPDATE OR DELETE ON {TABLE} "
            f"FOR EACH ROW EXECUTE FUNCTION {TABLE}_append_only()",
        ],
        "drop": [f"DROP TRIGGER IF EXISTS {TABLE}_no_change ON {TABLE}"],
    },
}


def _run(connection: Any, which: str) -> None:
    statements = _SQL.get(connection.vendor, {}).get(which, [])
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def install_audit_guards(connection: Any) -> None:
    """Create the triggers that refuse UPDATE and DELETE on the audit log."""
    _run(connection, "install")


def drop_audit_guards(connection: Any) -> None:
    """Remove the triggers (test teardown flushes tables; never in production)."""
    _run(connection, "drop")
