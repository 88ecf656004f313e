"""Job kinds: what a job does per target, registered by the domain app that owns it.

One contract for every kind (DESIGN §4):
- targets are inventory devices (resolved through the gate by JobService), or — for a kind with
  `resolve_addresses` — addresses (host:port) that the kind resolves through the gate itself;
- `prepare(job, targets, scrubber)` runs in the database thread before the fan-out and gives each
  target its inputs (plan rows, policies, snapshots, logins), keyed by `DeviceTarget.key`;
- the handler is a coroutine that works on one target with a DeviceContext and returns a
  DeviceOutcome; it never touches the database;
- `needs_session` (a bool, or a function of the target's inputs) says whether the runner opens
  an SSH session first;
- `persist` runs afterwards in the database thread to store what the handlers found, a batch of
  results at a time.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError


@dataclass(frozen=True)
class DeviceTarget:
    """The plain facts about a target a handler may use (no ORM objects cross into handlers).

    `id` is the inventory device's; an address target (a scan) has none.
    """

    id: int | None
    customer_id: int
    hostname: str
    platform: str
    host: str
    port: int
    fields: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        """What `prepare` keys a target's inputs by: the device id, or host:port."""
        return str(self.id) if self.id is not None else address_key(self.host, self.port)


def address_key(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


@dataclass
class DeviceOutcome:
    ok: bool = True
    output: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    error_code: str = ""
    error_message: str = ""
    # Did the device answer (True: reachable, last seen now), not answer (False: unreachable),
    # or does this outcome say nothing about it (None)? The runner sets it for SSH sessions.
    seen: bool | None = None

    @classmethod
    def failure(cls, code: str, message: str, **data: Any) -> "DeviceOutcome":
        return cls(ok=False, error_code=code, error_message=message, data=data)


@dataclass
class DeviceContext:
    """What a kind's handler gets for one target: its facts, the job's params, the inputs
    `prepare` gave it, the open session (when one was needed) and a log function."""

    target: DeviceTarget
    params: dict[str, Any]
    log_to: Callable[..., None]
    inputs: Any = None
    session: Any = None

    def log(self, message: str, level: str = "info", **extra: Any) -> None:
        self.log_to(message, level, self.target, **extra)


Handler = Callable[[DeviceContext], Awaitable[DeviceOutcome]]
# persist(job, [(device, outcome)]) → channel-layer messages to send to the customer group;
# `device` is the inventory Device row, or the DeviceTarget of an address target. It gets a
# whole flush of results at once, so a kind can store them in a few queries whatever their
# number; `per_device` adapts a function of one device.
Persist = Callable[[Any, list[tuple[Any, DeviceOutcome]]], list[dict[str, Any]] | None]
PersistOne = Callable[[Any, Any, DeviceOutcome], list[dict[str, Any]] | None]


def per_device(persist_one: PersistOne) -> Persist:
    """A Persist that stores each result on its own (kinds whose results are few or varied)."""

    def persist(job: Any, items: list[tuple[Any, DeviceOutcome]]) -> list[dict[str, Any]]:
        messages: list[dict[str, Any]] = []
        for subject, outcome in items:
            messages.extend(persist_one(job, subject, outcome) or [])
        return messages

    return persist


# prepare(job, targets, scrubber) → {target key: inputs}; secrets it decrypts go to the scrubber.
Prepare = Callable[[Any, list[DeviceTarget], Any], dict[str, Any]]
# resolve_addresses(user, customer_id, targets spec) → [(host, port)], through the gate.
ResolveAddresses = Callable[[Any, int, Any], list[tuple[str, int]]]


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
    needs_session: bool | Callable[[Any], bool] = True
    prepare: Prepare | None = None
    resolve_addresses: ResolveAddresses | None = None
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
    # rerun(user, job, device ids) → the job to show instead of repeating this one as is
    # (deploy kinds start a new plan's preview: a push never repeats without a confirmation).
    rerun: Callable[[Any, Any, list[int]], Any] | None = None

    def session_needed(self, inputs: Any) -> bool:
        if callable(self.needs_session):
            return self.needs_session(inputs)
        return self.needs_session


_KINDS: dict[str, Kind] = {}

# Kind names before `<domain>.<verb>`: still accepted on the API (and in stored schedules) for
# one release; jobs are stored under the new name.
RENAMED = {
    "config_backup": "config.backup",
    "deploy_preview": "config.preview",
    "config_deploy": "config.deploy",
    "run_commands": "commands.run",
    "reachability": "devices.check_reachability",
    "facts": "devices.collect_facts",
    "lldp_discovery": "topology.discover",
    "compliance": "compliance.check",
}


def register(kind: Kind) -> Kind:
    if kind.name in _KINDS and _KINDS[kind.name] is not kind:
        raise ValueError(f"job kind {kind.name!r} registered twice")
    _KINDS[kind.name] = kind
    return kind


def get(name: str) -> Kind:
    try:
        return _KINDS[RENAMED.get(name, name)]
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
