"""The ``gongzhi`` command: Django's management commands plus demo/serve/worker.

Configuration and connection errors end in one line and exit status 2, never a
traceback.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    argv[:1] = ["open311_key"] if argv[:1] == ["open311-key"] else argv[:1]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongzhi.settings")
    if argv[:1] == ["demo"]:
        os.environ["GONGZHI_DEMO"] = "1"
    if argv[:1] == ["generate_field_key"]:
        # Needed before any key exists, so it must not load the settings.
        from cryptography.fernet import Fernet

        print(Fernet.generate_key().decode())
        return 0

    import django
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line
    from django.db import OperationalError

    try:
        django.setup()
        execute_from_command_line(["gongzhi", *argv])
    except ImproperlyConfigured as exc:
        print(f"gongzhi: configuration error: {exc}", file=sys.stderr)
        return 2
    except OperationalError as exc:
        first = (
            str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        )
        print(f"gongzhi: cannot use the database: {first}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
