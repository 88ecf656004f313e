"""/health/: each dependency ok or down; overall ok, degraded (an optional part down) or down."""

import asyncio
import time
from collections.abc import Callable

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _cache() -> None:
    cache.set("webnet:health", "1", 5)
    if cache.get("webnet:health") != "1":
        raise RuntimeError("cache did not return what was written")


async def _channel_layer_roundtrip() -> None:
    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.send(channel, {"type": "health.ping"})
    await asyncio.wait_for(layer.receive(channel), timeout=2)


def _channel_layer() -> None:
    async_to_sync(_channel_layer_roundtrip)()


# name → (check, essential). The database is essential; the rest degrade the service.
CHECKS: dict[str, tuple[Callable[[], None], bool]] = {
    "database": (_database, True),
    "cache": (_cache, False),
    "channel_layer": (_channel_layer, False),
}


def run_checks() -> dict:
    results: dict[str, dict] = {}
    overall = "ok"
    for name, (check, essential) in CHECKS.items():
        start = time.perf_counter()
        try:
            check()
            results[name] = {"status": "ok", "ms": round((time.perf_counter() - start) * 1000, 1)}
        except Exception as exc:  # a health check reports every failure, whatever it is
            results[name] = {"status": "down", "error": type(exc).__name__}
            overall = "down" if essential else ("degraded" if overall == "ok" else overall)
    return {
        "status": overall,
        "mode": "embedded" if settings.EMBEDDED else "scaled",
        "checks": results,
    }


def health_view(request: HttpRequest) -> JsonResponse:
    report = run_checks()
    return JsonResponse(report, status=503 if report["status"] == "down" else 200)
