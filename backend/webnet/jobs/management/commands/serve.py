"""manage.py serve — Daphne, with the embedded job worker beside it as a child (make run)."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Serve HTTP and WebSockets with Daphne; in embedded mode a job worker runs beside it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args: Any, **options: Any) -> None:
        from daphne.endpoints import build_endpoint_description_strings
        from daphne.server import Server  # installs Twisted's asyncio reactor
        from twisted.internet import reactor

        from webnet.asgi import application
        from webnet.jobs import embedded

        reactor.callWhenRunning(embedded.start)  # type: ignore[attr-defined]
        reactor.callWhenRunning(embedded.start_background)  # type: ignore[attr-defined]
        endpoints = build_endpoint_description_strings(host=options["host"], port=options["port"])
        worker = embedded.spawn_worker() if settings.WEBNET_EXECUTOR == "worker" else None
        self.stdout.write(f"serving on http://{options['host']}:{options['port']}/")
        try:
            Server(application=application, endpoints=endpoints, signal_handlers=True).run()
        finally:
            if worker is not None:
                embedded.stop_worker(worker)
