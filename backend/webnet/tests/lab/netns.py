"""Network namespaces for ICMP tests: real pings to hosts that go down and come back, without
sending a packet anywhere but namespaces the test created.

Two namespaces joined by a veth pair: the *probe* side (10.213.0.1/24), where the pinger runs,
and the *target* side, whose veth carries the `hosts` addresses (10.213.0.2, .3, ...). Taking
the target's link down makes every host unreachable; removing one address makes one host silent.
Skips (pytest.skip) unless we are root and `ip netns` works. Names are unique per process, so
parallel test runs do not collide; both namespaces (and so the veth pair) are deleted afterwards.

    def test_ping(netns):                      # fixture: NetnsLab with 3 hosts
        assert netns.run(["fping", "-c1", "-t300", *netns.hosts]).returncode == 0
        netns.down()                           # target link down: no host answers
        netns.up()                             # ... and back
        netns.down(netns.hosts[1])             # only that host stops answering
        netns.up(netns.hosts[1])
        with netns.entered():                  # this thread now lives in the probe namespace:
            icmplib.ping(netns.hosts[0])       # its new sockets and child processes (fping via
                                               # subprocess / asyncio) use the probe's network
    with veth_lab(hosts=5) as net: ...         # the same without pytest's fixture

`entered()` switches only the calling thread (setns(2)); threads it starts later inherit it,
existing ones (an asyncio default executor's) do not. Inside, unprivileged ICMP sockets are
allowed (ping_group_range), so icmplib works with privileged=False as well as True.
"""

from __future__ import annotations

import contextlib
import ctypes
import itertools
import os
import subprocess
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import pytest

CLONE_NEWNET = 0x40000000
SUBNET = "10.213.0"
_SEQ = itertools.count(1)


def _ip(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(["ip", *args], capture_output=True, text=True, check=check, timeout=10)


def _setns(fd: int) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.setns(fd, CLONE_NEWNET) != 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))


@dataclass
class NetnsLab:
    probe_ns: str
    target_ns: str
    probe_address: str
    hosts: list[str]
    target_if: str = "veth-t"

    def run(self, argv: Sequence[str], timeout: float = 30) -> subprocess.CompletedProcess:
        """`argv` run inside the probe namespace (output captured as text, never raises)."""
        return subprocess.run(
            ["ip", "netns", "exec", self.probe_ns, *argv],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    @contextlib.contextmanager
    def entered(self) -> Iterator[None]:
        """The calling thread in the probe namespace for the `with` block."""
        home = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
        there = os.open(f"/run/netns/{self.probe_ns}", os.O_RDONLY)
        try:
            _setns(there)
            yield
        finally:
            _setns(home)
            os.close(there)
            os.close(home)

    def down(self, host: str | None = None) -> None:
        """Take the target link down, or (with `host`) silence just that address."""
        if host is None:
            _ip("-n", self.target_ns, "link", "set", self.target_if, "down")
        else:
            _ip("-n", self.target_ns, "addr", "del", f"{host}/24", "dev", self.target_if)

    def up(self, host: str | None = None) -> None:
        if host is None:
            _ip("-n", self.target_ns, "link", "set", self.target_if, "up")
        else:
            _ip("-n", self.target_ns, "addr", "add", f"{host}/24", "dev", self.target_if)


def _usable() -> str | None:
    if os.geteuid() != 0:
        return "network namespaces need root"
    try:
        _ip("netns", "list")
    except (OSError, subprocess.SubprocessError) as exc:
        return f"ip netns unavailable: {exc}"
    return None


@contextlib.contextmanager
def veth_lab(hosts: int = 3) -> Iterator[NetnsLab]:
    """Create the namespace pair (see the module docstring); skip the test when impossible."""
    reason = _usable()
    if reason:
        pytest.skip(reason)
    if not 1 <= hosts <= 250:
        raise ValueError("hosts must be 1..250")
    tag = f"wn{os.getpid()}x{next(_SEQ)}"
    net = NetnsLab(
        probe_ns=f"{tag}p",
        target_ns=f"{tag}t",
        probe_address=f"{SUBNET}.1",
        hosts=[f"{SUBNET}.{n}" for n in range(2, 2 + hosts)],
    )
    try:
        _ip("netns", "add", net.probe_ns)
        _ip("netns", "add", net.target_ns)
        _ip("-n", net.probe_ns, "link", "add", "veth-p", "type", "veth", "peer", "name",
            net.target_if, "netns", net.target_ns)  # fmt: skip
        for ns in (net.probe_ns, net.target_ns):
            _ip("-n", ns, "link", "set", "lo", "up")
        _ip("-n", net.probe_ns, "addr", "add", f"{net.probe_address}/24", "dev", "veth-p")
        for host in net.hosts:
            _ip("-n", net.target_ns, "addr", "add", f"{host}/24", "dev", net.target_if)
        _ip("-n", net.probe_ns, "link", "set", "veth-p", "up")
        _ip("-n", net.target_ns, "link", "set", net.target_if, "up")
        subprocess.run(
            ["ip", "netns", "exec", net.probe_ns, "sysctl", "-qw",
             "net.ipv4.ping_group_range=0 2147483647"],
            check=True, capture_output=True, timeout=10,
        )  # fmt: skip
        yield net
    finally:
        for ns in (net.probe_ns, net.target_ns):
            _ip("netns", "del", ns, check=False)


@pytest.fixture
def netns() -> Iterator[NetnsLab]:
    """A probe namespace and a target namespace with 3 pingable hosts (see module docstring)."""
    with veth_lab() as net:
        yield net
