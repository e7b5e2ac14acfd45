"""``gongzhi worker``: run background tasks and the periodic scheduler."""

from __future__ import annotations

import threading
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from gongzhi.core.scheduling import run_scheduler


class Command(BaseCommand):
    help = "Run background tasks for the configured TASKS_BACKEND, and the scheduler."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-scheduler",
            action="store_true",
            help="Do not enqueue periodic jobs from this process.",
        )
        parser.add_argument(
            "--scheduler-only",
            action="store_true",
            help="Only enqueue periodic jobs; run no tasks.",
        )

    def handle(
        self, *args: Any, no_scheduler: bool, scheduler_only: bool, **options: Any
    ) -> None:
        stop = threading.Event()
        if scheduler_only or settings.TASKS_BACKEND == "immediate":
            self.stdout.write("scheduler running; tasks run inline (Ctrl-C to stop)")
            try:
                run_scheduler(stop, settings.SCHEDULER_TICK_SECONDS)
            except KeyboardInterrupt:
                stop.set()
            return
        if not no_scheduler:
            thread = threading.Thread(
                target=run_scheduler,
                args=(stop, settings.SCHEDULER_TICK_SECONDS),
                name="gongzhi-scheduler",
                daemon=True,
            )
            thread.start()
        try:
            if settings.TASKS_BACKEND == "rq":
                # The scheduler runs deferred jobs (the batched outbox delivery).
                call_command(
                    "rqworker",
                    "default",
                    job_class="django_tasks_rq.backend.Job",
                    with_scheduler=True,
                )
            else:
                call_command("db_worker", "--queue-name", "*")
        finally:
            stop.set()
