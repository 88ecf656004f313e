"""ICMP probes with Debian's fping: one process probes every address of a cycle in parallel.

fping needs no privileges of ours (it is installed setuid or with CAP_NET_RAW) and paces its own
packets; `-C` prints each probe's round trip, so loss, average, maximum and jitter come from the
same samples.
"""

from __future__ import annotations

import asyncio
import itertools
import re
from collections.abc import Sequence

from webnet.monitoring.poller.types import IcmpResult

# "127.0.0.1 : 0.04 0.05 -"  (one field per probe, "-" for a lost one)
_LINE = re.compile(r"^(\S+)\s+:\s+((?:[\d.]+|-)(?:\s+(?:[\d.]+|-))*)\s*$")


def summarize(sent: int, rtts: Sequence[float]) -> IcmpResult:
    """Loss, average, maximum and jitter (mean difference of consecutive round trips, RFC 3550's
    idea without its smoothing) of one address's probes."""
    jitter = (
        sum(abs(b - a) for a, b in itertools.pairwise(rtts)) / (len(rtts) - 1)
        if len(rtts) > 1
        else None
    )
    return IcmpResult(
        sent=sent,
        received=len(rtts),
        rtt_avg_ms=sum(rtts) / len(rtts) if rtts else None,
        rtt_max_ms=max(rtts) if rtts else None,
        jitter_ms=jitter,
    )


def parse_fping(output: str, addresses: Sequence[str], count: int) -> dict[str, IcmpResult]:
    """fping -C's per-address lines; an address fping printed nothing for lost every probe."""
    results = {a: summarize(count, []) for a in addresses}
    for line in output.splitlines():
        match = _LINE.match(line.strip())
        if match and match.group(1) in results:
            fields = match.group(2).split()
            results[match.group(1)] = summarize(count, [float(f) for f in fields if f != "-"])
    return results


async def icmp_probe(
    addresses: Sequence[str], count: int = 3, timeout: float = 1.0, period_ms: int = 200
) -> dict[str, IcmpResult]:
    """`count` echo requests to every address (`period_ms` apart per address, each waited for
    `timeout` seconds); one IcmpResult per address."""
    addresses = list(dict.fromkeys(addresses))
    if not addresses:
        return {}
    proc = await asyncio.create_subprocess_exec(
        "fping", "-q", "-C", str(count), "-t", str(max(1, int(timeout * 1000))),
        "-p", str(max(period_ms, 10)), "-i", "1", "-r", "0", "-B", "1", *addresses,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _, err = await proc.communicate()
    return parse_fping(err.decode(errors="replace"), addresses, count)
