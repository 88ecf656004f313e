"""LLDP/CDP neighbours from show output, parsed by ntc-templates into one plain shape."""

from dataclasses import asdict, dataclass

from webnet.jobs.parsing import ParseFailed, parse
from webnet.networkops.interfaces import canonical

# The commands per protocol and platform (Junos has no `detail` in the lab's CLI, no CDP).
LLDP_COMMAND = {"juniper_junos": "show lldp neighbors"}
CDP_PLATFORMS = {"cisco_ios", "cisco_iosxe", "cisco_nxos", "cisco_iosxr"}


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


def commands(platform: str) -> list[tuple[str, str]]:
    """(protocol, command) pairs to run on a platform."""
    pairs = [("lldp", LLDP_COMMAND.get(platform, "show lldp neighbors detail"))]
    if platform in CDP_PLATFORMS:
        pairs.append(("cdp", "show cdp neighbors detail"))
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


def parse_neighbors(platform: str, protocol: str, command: str, output: str) -> list[Neighbor]:
    """Neighbours in `output`; raises ParseFailed when the template rejects it."""
    try:
        records = parse(platform, command, output)
    except ParseFailed:
        if not output.strip():
            return []
        raise
    found = []
    for record in records:
        local = _field(record, "local_interface")
        name = _field(record, "neighbor_name", "system_name", "neighbor")
        if not local or not name:
            continue
        found.append(
            Neighbor(
                protocol=protocol,
                local_interface=canonical(local),
                remote_name=name,
                remote_interface=canonical(_remote_interface(record)),
                remote_address=_field(record, "mgmt_address", "management_ip", "interface_ip"),
                remote_platform=_field(record, "platform", "neighbor_description")[:255],
            )
        )
    return found


def short_name(name: str) -> str:
    """`R1.example.net` → `r1`: how a neighbour's name is matched against inventory."""
    return name.strip().split(".")[0].lower()
