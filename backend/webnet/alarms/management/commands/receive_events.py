"""manage.py receive_events — the trap and syslog receivers on their own (scaled-out form).

`manage.py serve` starts the same receivers inside the web server unless WEBNET_RECEIVERS=false.
"""

import asyncio
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from webnet.alarms.receivers import service


class Command(BaseCommand):
    help = "Receive SNMP traps (UDP) and syslog (UDP and TCP) and turn them into events/alarms."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--trap-host", default=settings.WEBNET_TRAP_HOST)
        parser.add_argument("--trap-port", type=int, default=settings.WEBNET_TRAP_PORT)
        parser.add_argument("--syslog-host", default=settings.WEBNET_SYSLOG_HOST)
        parser.add_argument("--syslog-port", type=int, default=settings.WEBNET_SYSLOG_PORT)

    def handle(self, *args: Any, **options: Any) -> None:
        asyncio.run(self._run(options))

    async def _run(self, options: dict[str, Any]) -> None:
        receivers = await service.start(
            (options["trap_host"], options["trap_port"]),
            (options["syslog_host"], options["syslog_port"]),
        )
        await receivers.pipeline.ready.wait()
        self.stdout.write(f"receiving: {receivers.ports}", ending="\n")
        self.stdout.flush()
        try:
            await asyncio.Event().wait()
        finally:
            receivers.close()
