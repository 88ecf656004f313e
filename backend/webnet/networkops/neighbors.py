"""LLDP/CDP neighbours from show output, parsed by ntc-templates into one plain shape."""

import re
from dataclasses import asdict, dataclass, field

from webnet.drivers import get_platform
from webnet.jobs.parsing import ParseFailed, parse
from webnet.networkops.interfaces import canonical


@dataclass(frozen=True)
class Neighbor:
    protocol: str
    local_interface: str
    remote_name: str
    remote_interface: str
    remote_address: str
    remote_platform: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


@dataclass
class ParsedNeighbors:
    """What a command reported: neighbours, and the records rejected as unparseable (why)."""

    found: list[Neighbor] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)


# A system name is a host name (or FQDN); anything else means the columns were misread, e.g. a
# port running into the name (`GigabitEthernet0/0/0/0R6`) and a node for a device that is not.
_SYSTEM_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,252}")
# Every interface name ends in its number (ge-0/0/1, Gi0/1, mgmt0, ae1.0); a cut one does not.
_INTERFACE_END = re.compile(r".*\d")


def _rejection(local: str, name: str) -> str | None:
    if not _SYSTEM_NAME.fullmatch(name):
        return f"system name {name!r} is not a host name"
    if not _INTERFACE_END.fullmatch(local):
        return f"local interface {local!r} is not an interface name"
    return None


def commands(platform: str) -> list[tuple[str, str]]:
    """(protocol, command) pairs to run on a platform."""
    profile = get_platform(platform)
    pairs = [("lldp", profile.lldp_command)]
    if profile.cdp_command:
        pairs.append(("cdp", profile.cdp_command))
    return pairs


def _field(record: dict, *names: str) -> str:
    for name in names:
        value = record.get(name)
        if isinstance(value, list):
            value = value[0] if value else ""
        if value:
            return str(value).strip()
    return ""


def _remote_interface(record: dict) -> str:
    # IOS LLDP puts the port description in neighbor_interface and the port in neighbor_port_id.
    port_id = _field(record, "neighbor_port_id")
    if port_id and port_id.count(":") != 5:  # a MAC address is no interface name
        return port_id
    return _field(record, "neighbor_interface", "remote_port")


def parse_neighbors(platform: str, protocol: str, command: str, output: str) -> ParsedNeighbors:
    """Neighbours in `output`; raises ParseFailed when the template rejects it."""
    try:
        records = parse(platform, command, output)
    except ParseFailed:
        if not output.strip():
            return ParsedNeighbors()
        raise
    parsed = ParsedNeighbors()
    for record in records:
        local = _field(record, "local_interface")
        name = _field(record, "neighbor_name", "system_name", "neighbor")
        if not local or not name:
            continue
        problem = _rejection(local, name)
        if problem is not None:
            parsed.rejected.append(problem)
            continue
        parsed.found.append(
            Neighbor(
                protocol=protocol,
                local_interface=canonical(local),
                remote_name=name,
                remote_interface=canonical(_remote_interface(record)),
                remote_address=_field(record, "mgmt_address", "management_ip", "interface_ip"),
                remote_platform=_field(record, "platform", "neighbor_description")[:255],
            )
        )
    return parsed


def short_name(name: str) -> str:
    """`R1.example.net` → `r1`: how a neighbour's name is matched against inventory."""
    return name.strip().split(".")[0].lower()
