"""manage.py serve — Daphne with the embedded job engine started with the server (make run)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Serve HTTP and WebSockets with Daphne; in embedded mode jobs run in this process."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args: Any, **options: Any) -> None:
        from daphne.endpoints import build_endpoint_description_strings
        from daphne.server import Server  # installs Twisted's asyncio reactor
        from twisted.internet import reactor

        from webnet.asgi import application, start_embedded

        reactor.callWhenRunning(start_embedded)  # type: ignore[attr-defined]
        endpoints = build_endpoint_description_strings(host=options["host"], port=options["port"])
        self.stdout.write(f"serving on http://{options['host']}:{options['port']}/")
        Server(application=application, endpoints=endpoints, signal_handlers=True).run()
