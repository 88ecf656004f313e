"""What well-known traps and syslog lines mean, before any customer rule (pure: no Django).

A condition names the problem, never the transition: linkDown raises "interface.down" and linkUp
clears that same condition, so both land on one alarm (dedup key = resource + condition). The
same holds for every vendor's up/down syslog line.
"""

import re
from dataclasses import dataclass

LINK_DOWN = "1.3.6.1.6.3.1.1.5.3"
LINK_UP = "1.3.6.1.6.3.1.1.5.4"
COLD_START = "1.3.6.1.6.3.1.1.5.1"
WARM_START = "1.3.6.1.6.3.1.1.5.2"
IF_INDEX = "1.3.6.1.2.1.2.2.1.1"
IF_DESCR = "1.3.6.1.2.1.2.2.1.2"
IF_NAME = "1.3.6.1.2.1.31.1.1.1.1"
IF_ADMIN_STATUS = "1.3.6.1.2.1.2.2.1.7"
ADMIN_DOWN = "2"

INTERFACE_DOWN = "interface.down"
CONFIG_CHANGED = "config.changed"
DEVICE_RESTARTED = "device.restarted"
DEVICE_DOWN = "device.down"
BACKUP_FAILED = "backup.failed"
CONFIG_DRIFT = "config.drift"
COMPLIANCE_FAILING = "compliance.rule_failing"
DEPLOY_ROLLED_BACK = "deploy.rolled_back"


@dataclass(frozen=True, slots=True)
class Meaning:
    condition: str
    action: str  # "raise" | "clear" | "" (record only)
    severity: str = "info"
    if_index: int | None = None
    interface: str = ""


def _varbind(varbinds: dict[str, str], column: str) -> tuple[int | None, str]:
    """(row index, value) of the first varbind in a table column, e.g. ifIndex.3 → (3, "3")."""
    for oid, value in varbinds.items():
        if oid.startswith(column + "."):
            tail = oid[len(column) + 1 :]
            return (int(tail) if tail.isdigit() else None), str(value)
    return None, ""


def of_trap(trap_oid: str, varbinds: dict[str, str]) -> Meaning | None:
    if trap_oid in (LINK_DOWN, LINK_UP):
        index, _ = _varbind(varbinds, IF_INDEX)
        if index is None:
            index, _ = _varbind(varbinds, IF_DESCR)
        _, name = _varbind(varbinds, IF_NAME)
        if not name:
            _, name = _varbind(varbinds, IF_DESCR)
        # a port shut on purpose (ifAdminStatus down) is no fault: it clears, like the poller
        # that never alarms on administratively down ports
        _, admin = _varbind(varbinds, IF_ADMIN_STATUS)
        down = trap_oid == LINK_DOWN and admin != ADMIN_DOWN
        return Meaning(
            INTERFACE_DOWN, "raise" if down else "clear", "major" if down else "info", index, name
        )
    if trap_oid in (COLD_START, WARM_START):
        return Meaning(DEVICE_RESTARTED, "", "warning")
    return None


# Cisco IOS/NX-OS/Arista (%LINK-3-UPDOWN, %LINEPROTO-5-UPDOWN, %ETHPORT-5-IF_DOWN_*), Junos
# (SNMP_TRAP_LINK_DOWN/UP), IOS XR (%PKT_INFRA-LINK-3-UPDOWN).
_LINK = re.compile(
    r"%(?:PKT_INFRA-)?LINK-\d-UPDOWN ?: Interface (?P<name>[^,\s]+), changed state to "
    r"(?P<state>down|up|administratively down)",
    re.IGNORECASE,
)
_NXOS_DOWN = re.compile(r"%ETHPORT-5-IF_DOWN_\w+: Interface (?P<name>\S+) is down")
_NXOS_UP = re.compile(r"%ETHPORT-5-IF_UP: Interface (?P<name>\S+) is up")
_JUNOS = re.compile(
    r"SNMP_TRAP_LINK_(?P<state>DOWN|UP): ifIndex (?P<index>\d+).*?ifName (?P<name>\S+)"
)
_CONFIG = re.compile(
    r"%SYS-5-CONFIG_I|UI_COMMIT(?:_COMPLETED)?\b|%SYS-5-CONFIG_E|%MGMT-CONFIG-5|"
    r"%CONFIG_MANAGER-5|Configured from"
)


def of_syslog(text: str) -> Meaning | None:
    if match := _LINK.search(text):
        down = match["state"].lower() != "up"
        return _link(down, match["name"])
    if match := _NXOS_DOWN.search(text):
        return _link(True, match["name"])
    if match := _NXOS_UP.search(text):
        return _link(False, match["name"])
    if match := _JUNOS.search(text):
        meaning = _link(match["state"] == "DOWN", match["name"].rstrip(","))
        return Meaning(
            meaning.condition,
            meaning.action,
            meaning.severity,
            int(match["index"]),
            meaning.interface,
        )
    if _CONFIG.search(text):
        return Meaning(CONFIG_CHANGED, "", "info")
    return None


def _link(down: bool, name: str) -> Meaning:
    return Meaning(
        INTERFACE_DOWN, "raise" if down else "clear", "major" if down else "info", None, name
    )


def resource_of(device_id: int | None, if_index: int | None, interface: str, fallback: str) -> str:
    """What the alarm is about: a device, one of its interfaces, or (no device) the fallback."""
    if device_id is None:
        return fallback or "unknown"
    if if_index is not None:
        return f"device:{device_id}/ifIndex:{if_index}"
    if interface:
        return f"device:{device_id}/if:{interface}"
    return f"device:{device_id}"
