"""Job kinds: what a job does per device, registered by the domain app that owns it.

A kind's handler is a coroutine that works on one device and returns a DeviceOutcome; it never
touches the ORM (the runner does all database work). `persist` runs afterwards in the runner's
database thread to store what the handler found (a snapshot, device facts…).
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError


@dataclass(frozen=True)
class DeviceTarget:
    """The plain facts about a device a handler may use (no ORM objects cross into handlers)."""

    id: int
    customer_id: int
    hostname: str
    platform: str
    host: str
    port: int
    fields: dict[str, Any] = field(default_factory=dict)


@dataclass
class DeviceOutcome:
    ok: bool = True
    output: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    error_code: str = ""
    error_message: str = ""

    @classmethod
    def failure(cls, code: str, message: str, **data: Any) -> "DeviceOutcome":
        return cls(ok=False, error_code=code, error_message=message, data=data)


Handler = Callable[[Any], Awaitable[DeviceOutcome]]
# persist(job, device, outcome) → channel-layer messages to send to the customer group
Persist = Callable[[Any, Any, DeviceOutcome], list[dict[str, Any]] | None]


def no_params(params: dict[str, Any]) -> dict[str, Any]:
    if params:
        raise ValidationError({"params": f"this kind takes no parameters, got {sorted(params)}"})
    return {}


@dataclass(frozen=True)
class Kind:
    name: str
    label: str
    handler: Handler
    clean_params: Callable[[dict[str, Any]], dict[str, Any]] = no_params
    persist: Persist | None = None
    needs_session: bool = True
    destructive: bool = False
    # Non-empty: only that service starts this kind (e.g. "committing a confirmed change plan");
    # the jobs API, the UI run pages, schedules and re-run refuse it.
    started_by: str = ""
    description: str = ""
    # check_platforms(params, platforms): params that are valid only on some platforms (the
    # read-only commands of run_commands), checked once the targets are resolved.
    check_platforms: Callable[[dict[str, Any], set[str]], None] | None = None
    # on_finish(job): once, when the job reaches a final status (done, reaped or cancelled).
    on_finish: Callable[[Any], None] | None = None


_KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    if kind.name in _KINDS and _KINDS[kind.name] is not kind:
        raise ValueError(f"job kind {kind.name!r} registered twice")
    _KINDS[kind.name] = kind
    return kind


def get(name: str) -> Kind:
    try:
        return _KINDS[name]
    except KeyError as exc:
        raise ValidationError({"kind": f"unknown job kind {name!r}"}) from exc


def startable(name: str) -> Kind:
    """The kind `name` when anyone with the role may start it directly."""
    kind = get(name)
    if kind.started_by:
        raise ValidationError(
            {"kind": f"{name} jobs cannot be started directly; they start by {kind.started_by}"}
        )
    return kind


def all_kinds() -> list[Kind]:
    return sorted(_KINDS.values(), key=lambda kind: kind.name)


def startable_kinds() -> list[Kind]:
    return [kind for kind in all_kinds() if not kind.started_by]
