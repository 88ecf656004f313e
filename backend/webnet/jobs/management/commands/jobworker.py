"""manage.py jobworker — the embedded job worker (`manage.py serve` starts it as its child)."""

import asyncio
from typing import Any

from django.core.management.base import BaseCommand

from webnet.jobs import embedded


class Command(BaseCommand):
    help = "Run queued jobs and the scheduler's tick from the database (embedded mode, no broker)."

    def handle(self, *args: Any, **options: Any) -> None:
        asyncio.run(embedded.serve_worker())
