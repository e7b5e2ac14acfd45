"""``gongzhi demo``: a demonstration instance on this machine, in one command.

The CLI sets GONGZHI_DEMO=1 before Django starts, so the settings keep generated
keys in the data folder. The command checks the port, migrates, collects static
files, loads the demo data if it is missing, prints the demo logins, then runs
the background worker and the web server as child processes until Ctrl-C (or
SIGTERM) or until one of them stops.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections, transaction

from gongzhi.core.management.commands.serve import ensure_port_free, granian_argv
from gongzhi.demo.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD
from gongzhi.demo.pingdong import COMMUNITY_CODE, load_pingdong
from gongzhi.demo.pingdong_cases import pingdong_cases_load
from gongzhi.places.models import Community

# How long a child may take to stop after SIGTERM before it is killed.
STOP_TIMEOUT_SECONDS = 10.0
POLL_SECONDS = 0.2


def demo_url(host: str, port: int) -> str:
    """Return the address to open in a browser for ``host:port``."""
    if host in ("", "0.0.0.0", "::"):  # noqa: S104  (displayed, not bound)
        host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}/"


class Command(BaseCommand):
    help = (
        "Run a demonstration instance: migrate, load the Pingdong demo data, and "
        "serve it with a background worker until Ctrl-C."
    )
    # Checks run after migrating (some read the database); the port comes first.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args: Any, host: str, port: int, **options: Any) -> None:
        ensure_port_free(host, port)
        self.stdout.write("Preparing the database…")
        call_command("migrate", interactive=False, verbosity=0)
        self.check()
        call_command("collectstatic", interactive=False, verbosity=0)
        if not Community.objects.filter(code=COMMUNITY_CODE).exists():
            self.stdout.write("Loading the Pingdong demo data…")
            with transaction.atomic():
                summary = load_pingdong()
            self.stdout.write(
                f"Loaded {summary['created']} objects "
                f"({summary['communities']} communities, {summary['users']} accounts)."
            )
        with transaction.atomic():
            cases = pingdong_cases_load()
        if cases["cases"]:
            self.stdout.write(f"Loaded {cases['cases']} demo cases.")
        self.print_logins(demo_url(host, port))
        # The children open their own connections; do not share this one.
        connections.close_all()
        self.run_children(host, port)

    def print_logins(self, url: str) -> None:
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Gongzhi demo: {url}"))
        self.stdout.write(f"Demo logins (password for every account: {DEMO_PASSWORD}):")
        self.stdout.write(f"  {'username':<20} {'role':<18} name")
        for account in DEMO_ACCOUNTS:
            self.stdout.write(
                f"  {account.username:<20} {account.role:<18} {account.display_name}"
            )
        self.stdout.write("Press Ctrl-C to stop.")
        self.stdout.flush()

    def run_children(self, host: str, port: int) -> None:
        stopping: list[int] = []

        def request_stop(signum: int, frame: Any) -> None:
            stopping.append(signum)

        previous = {
            sig: signal.signal(sig, request_stop)
            for sig in (signal.SIGINT, signal.SIGTERM)
        }
        children: dict[str, subprocess.Popen[bytes]] = {}
        exited: tuple[str, int] | None = None
        try:
            children["background worker"] = subprocess.Popen(  # noqa: S603
                [sys.executable, "-m", "gongzhi.cli", "worker"]
            )
            children["web server"] = subprocess.Popen(  # noqa: S603
                granian_argv(host, port, workers=1)
            )
            while not stopping and exited is None:
                time.sleep(POLL_SECONDS)
                if stopping:
                    break
                for name, child in children.items():
                    code = child.poll()
                    if code is not None:
                        exited = (name, code)
                        break
        finally:
            self.stop_children(children)
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        if exited is not None:
            name, code = exited
            how = (
                f"was killed by {signal.Signals(-code).name}"
                if code < 0
                else f"stopped unexpectedly (exit status {code})"
            )
            raise CommandError(
                f"The {name} {how}; the demo has been shut down.",
                returncode=code if code > 0 else 1,
            )
        self.stdout.write("Demo stopped.")

    def stop_children(self, children: dict[str, subprocess.Popen[bytes]]) -> None:
        """Ask every running child to stop (SIGTERM), killing any that hang."""
        for child in children.values():
            if child.poll() is None:
                child.terminate()
        deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
        for name, child in children.items():
            try:
                child.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.stderr.write(f"The {name} did not stop in time; killing it.")
                child.kill()
                child.wait()
