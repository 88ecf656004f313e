"""Device job kinds: reachability (TCP/SSH probe) and facts (version, model, serial, interfaces)."""

import asyncio
import time
from typing import Any

from webnet.devices import services
from webnet.devices.models import Device
from webnet.drivers import get_platform
from webnet.jobs.parsing import ParseFailed, parse
from webnet.jobs.registry import DeviceOutcome, Kind, per_device, register

PROBE_TIMEOUT = 5.0


async def probe(ctx: Any) -> DeviceOutcome:
    """Open TCP to the SSH port and read the server's banner; report the latency."""
    target = ctx.target
    start = time.perf_counter()
    try:
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection(target.host, target.port), PROBE_TIMEOUT
        )
    except TimeoutError:
        return _unreachable("timeout", f"no TCP answer within {PROBE_TIMEOUT:.0f}s")
    except ConnectionRefusedError:
        return _unreachable("connection_refused", "connection refused")
    except OSError as exc:
        return _unreachable("unreachable", exc.strerror or type(exc).__name__)
    tcp_ms = (time.perf_counter() - start) * 1000
    try:
        banner = await asyncio.wait_for(reader.readline(), PROBE_TIMEOUT)
    except (TimeoutError, OSError):
        banner = b""
    finally:
        writer.close()
    ssh_ms = (time.perf_counter() - start) * 1000
    text = banner.decode("latin-1").strip()
    if not text.startswith("SSH-"):
        return _unreachable(
            "protocol_error", "TCP answers but no SSH banner", tcp_ms=round(tcp_ms, 2)
        )
    ctx.log(f"reachable: TCP {tcp_ms:.1f} ms, SSH banner {ssh_ms:.1f} ms ({text[:60]})")
    return DeviceOutcome(
        data={"tcp_ms": round(tcp_ms, 2), "ssh_ms": round(ssh_ms, 2), "banner": text[:200]},
        seen=True,
    )


def _unreachable(code: str, message: str, **data: Any) -> DeviceOutcome:
    """A probe failure: the device counts as unreachable (the writer stores the status)."""
    return DeviceOutcome(ok=False, error_code=code, error_message=message, data=data, seen=False)


# Which parsed key holds each fact, per the ntc-templates field names of the platforms.
FACT_KEYS = {
    "os_version": ("version", "os", "image", "junos_version", "software_version"),
    "model": ("hardware", "model", "platform", "chassis"),
    "serial_number": ("serial", "serial_number", "serial_num", "chassis_serial"),
}


def _first(record: dict[str, Any], keys: tuple[str, ...]) -> str:
    for key in keys:
        value = record.get(key)
        if isinstance(value, list):
            value = value[0] if value else ""
        if value:
            return str(value).strip()
    return ""


async def _parsed(
    ctx: Any, command: str, fields: list[str], unparsed: list[dict[str, Any]], *, empty_ok: bool
) -> list[dict[str, Any]]:
    """`command`'s records; a template that fails (or finds nothing where something must be)
    leaves `fields` empty and is noted in `unparsed` and the log, the other commands go on."""
    output = (await ctx.session.send_command(command)).output
    try:
        records = parse(ctx.target.platform, command, output)
    except ParseFailed as exc:
        error = str(exc)
    else:
        if records or empty_ok:
            return records
        error = f"{command!r} output matched no record of its template"
    unparsed.append({"command": command, "fields": fields, "error": error})
    ctx.log(f"{command}: not parsed, {', '.join(fields)} left empty: {error}", level="warning")
    return []


async def collect_facts(ctx: Any) -> DeviceOutcome:
    """Facts from `show version`, interface names from the interface summary; each command is
    parsed on its own, so one template failing costs only its fields."""
    unparsed: list[dict[str, Any]] = []
    version = await _parsed(ctx, "show version", list(FACT_KEYS), unparsed, empty_ok=False)
    facts = {name: _first(version[0], keys) if version else "" for name, keys in FACT_KEYS.items()}
    command = get_platform(ctx.target.platform).interfaces_command
    rows = await _parsed(ctx, command, ["interfaces"], unparsed, empty_ok=True)
    names = [_first(row, ("interface", "intf", "name")) for row in rows]
    if unparsed and not version and not rows:  # nothing learned at all
        errors = "; ".join(entry["error"] for entry in unparsed)
        return DeviceOutcome.failure("parse_error", errors, unparsed=unparsed)
    ctx.log(
        f"facts: {facts['model'] or '?'} {facts['os_version'] or '?'}, {len(names)} interface(s)"
    )
    return DeviceOutcome(
        data={
            "facts": {k: v for k, v in facts.items() if v},
            "interfaces": [n for n in names if n],
            "unparsed": unparsed,
        }
    )


def store_facts(job: Any, device: Device, outcome: DeviceOutcome) -> list[dict]:
    """Update the device's fields and put what changed into the result ("changes")."""
    if not outcome.ok:
        return []
    facts = outcome.data.get("facts", {})
    changed = {name: value for name, value in facts.items() if getattr(device, name) != value}
    outcome.data["changes"] = {
        name: [getattr(device, name), value] for name, value in changed.items()
    }
    if changed:
        services.update_device(job.requested_by, device, changed)
    return []


register(
    Kind(
        name="devices.check_reachability",
        label="Reachability",
        handler=probe,
        needs_session=False,
        description="TCP and SSH banner check with latency; updates device status.",
    )
)
register(
    Kind(
        name="devices.collect_facts",
        label="Facts",
        handler=collect_facts,
        persist=per_device(store_facts),
        description="Read version, model, serial and interfaces into the inventory.",
    )
)
