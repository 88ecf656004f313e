"""ICMP probes with fping: loopback answers; for "down" the test makes its own network namespace
joined to this one by a veth pair and takes the far end down (every 127/8 address answers on
Linux, so loopback cannot be down). No packet leaves loopback or that namespace."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator

import pytest

from webnet.monitoring.poller.icmp import icmp_probe, parse_fping

NEAR, FAR = "169.254.213.1", "169.254.213.2"


def ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True)


@pytest.fixture
def far_end() -> Iterator[tuple[str, str]]:
    """(namespace, interface inside it): FAR lives there, reached from NEAR over a veth pair."""
    ns, near, far = f"wn5-{os.getpid()}", f"wn5a{os.getpid() % 10000}", f"wn5b{os.getpid() % 10000}"
    ip("netns", "add", ns)
    try:
        ip("link", "add", near, "type", "veth", "peer", "name", far, "netns", ns)
        ip("addr", "add", f"{NEAR}/30", "dev", near)
        ip("link", "set", near, "up")
        ip("-n", ns, "addr", "add", f"{FAR}/30", "dev", far)
        ip("-n", ns, "link", "set", far, "up")
        yield ns, far
    finally:
        subprocess.run(["ip", "link", "del", near], capture_output=True)
        ip("netns", "del", ns)


async def test_loopback_answers() -> None:
    result = (await icmp_probe(["127.0.0.1"], count=3, timeout=0.5, period_ms=20))["127.0.0.1"]
    assert (result.sent, result.received, result.loss_pct) == (3, 3, 0.0)
    assert 0 < result.rtt_avg_ms <= result.rtt_max_ms < 50
    assert result.jitter_ms is not None


async def test_far_end_up_then_down(far_end: tuple[str, str]) -> None:
    ns, far = far_end
    up = (await icmp_probe([FAR, "127.0.0.1"], count=2, timeout=0.5, period_ms=20))[FAR]
    assert up.received == 2
    ip("-n", ns, "link", "set", far, "down")
    probes = await icmp_probe([FAR, "127.0.0.1"], count=2, timeout=0.3, period_ms=20)
    assert probes[FAR].received == 0 and probes[FAR].loss_pct == 100.0
    assert probes[FAR].rtt_avg_ms is None and probes[FAR].jitter_ms is None
    assert probes["127.0.0.1"].received == 2  # one lost address does not spoil the others


def test_parse_fping_lost_and_partial() -> None:
    out = "10.0.0.1 : 1.00 - 3.00\n10.0.0.2 : - - -\n"
    got = parse_fping(out, ["10.0.0.1", "10.0.0.2", "10.0.0.3"], 3)
    assert (got["10.0.0.1"].received, got["10.0.0.1"].rtt_avg_ms) == (2, 2.0)
    assert (got["10.0.0.1"].rtt_max_ms, got["10.0.0.1"].jitter_ms) == (3.0, 2.0)
    assert got["10.0.0.2"].received == got["10.0.0.3"].received == 0
    assert round(got["10.0.0.1"].loss_pct, 1) == 33.3
