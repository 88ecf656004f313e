"""Job kinds of networkops: LLDP/CDP neighbour discovery into topology links; range scans."""

from webnet.jobs.parsing import ParseFailed
from webnet.jobs.registry import DeviceOutcome, Kind, per_device, register
from webnet.networkops import scan
from webnet.networkops.neighbors import commands, parse_neighbors
from webnet.networkops.topology import store_links


async def discover_neighbors(ctx) -> DeviceOutcome:  # type: ignore[no-untyped-def]
    platform = ctx.target.platform
    neighbors: list[dict[str, str]] = []
    rejected: list[str] = []
    for protocol, command in commands(platform):
        result = await ctx.session.send_command(command)
        try:
            parsed = parse_neighbors(platform, protocol, command, result.output)
        except ParseFailed as exc:
            return DeviceOutcome.failure("parse_error", str(exc))
        ctx.log(f"{protocol.upper()}: {len(parsed.found)} neighbour(s)")
        for problem in parsed.rejected:
            ctx.log(f"{protocol.upper()}: skipped a neighbour: {problem}", level="warning")
        neighbors.extend(n.as_dict() for n in parsed.found)
        rejected.extend(f"{protocol}: {problem}" for problem in parsed.rejected)
    return DeviceOutcome(data={"neighbors": neighbors, "rejected": rejected})


register(
    Kind(
        name="topology.discover",
        label="Topology discovery (LLDP/CDP)",
        handler=discover_neighbors,
        persist=per_device(store_links),
        description="Read LLDP (and CDP on Cisco) neighbours into topology links.",
    )
)


register(
    Kind(
        name=scan.KIND,
        label="Scan IP ranges for SSH devices",
        handler=scan.probe_address,
        needs_session=False,
        prepare=scan.prepare,
        resolve_addresses=scan.resolve_addresses,
        persist=per_device(scan.persist_found),
        description="Probe the customer's IP ranges over SSH and queue what answers.",
    )
)
