"""``gongzhi serve``: run the web application with granian (production server)."""

from __future__ import annotations

import os
import socket
import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _


def ensure_port_free(host: str, port: int) -> None:
    """Raise CommandError if ``host:port`` cannot be bound."""
    if not 0 < port < 65536:
        raise CommandError(
            _("Port %(port)s is not a valid port number.") % {"port": port}
        )
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            raise CommandError(
                _(
                    "Cannot listen on %(host)s:%(port)s: %(reason)s. "
                    "Choose another port with --port."
                )
                % {"host": host, "port": port, "reason": exc.strerror}
            ) from exc


def granian_argv(host: str, port: int, workers: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "granian",
        "--interface",
        "wsgi",
        "--host",
        host,
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--blocking-threads",
        str(settings.SERVER_THREADS),
        "--no-ws",
        "gongzhi.wsgi:application",
    ]


class Command(BaseCommand):
    help = "Serve Gongzhi over HTTP with granian (run collectstatic first)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--host", default=os.environ.get("GONGZHI_HOST", "127.0.0.1")
        )
        parser.add_argument(
            "--port", type=int, default=int(os.environ.get("GONGZHI_PORT", "8000"))
        )
        parser.add_argument("--workers", type=int, default=settings.SERVER_WORKERS)

    def handle(
        self, *args: Any, host: str, port: int, workers: int, **options: Any
    ) -> None:
        ensure_port_free(host, port)
        argv = granian_argv(host, port, workers)
        os.execv(argv[0], argv)  # noqa: S606  (replace this process with the server)
