"""The ICMP test harness: hosts in a namespace the test made answer pings, stop when their link
(or one address) goes down, and answer again when it comes back."""

from __future__ import annotations

import subprocess

import icmplib

from .netns import veth_lab


def fping(net, *hosts: str) -> set[str]:
    """The hosts that answered one fping round from the probe namespace."""
    done = net.run(["fping", "-c1", "-t300", "-q", *hosts])
    alive = set()
    for line in done.stderr.splitlines():  # `10.213.0.2 : xmt/rcv/%loss = 1/1/0%, ...`
        host, _, stats = line.partition(" : ")
        if "/1/0%" in stats:
            alive.add(host.strip())
    return alive


def test_link_down_and_up_with_fping(netns):
    assert fping(netns, *netns.hosts) == set(netns.hosts)
    netns.down()
    assert fping(netns, *netns.hosts) == set()
    netns.up()
    assert fping(netns, *netns.hosts) == set(netns.hosts)


def test_one_host_down_and_icmplib_in_the_entered_thread(netns):
    silent = netns.hosts[1]
    netns.down(silent)
    with netns.entered():
        replies = icmplib.multiping(netns.hosts, count=1, timeout=0.3, privileged=False)
    assert {r.address: r.is_alive for r in replies} == {h: h != silent for h in netns.hosts}
    netns.up(silent)
    with netns.entered():
        assert icmplib.ping(silent, count=1, timeout=1, privileged=True).is_alive
    assert not icmplib.ping(silent, count=1, timeout=0.2).is_alive  # not outside the namespace


def test_namespaces_are_removed():
    with veth_lab(hosts=1) as net:
        names = {net.probe_ns, net.target_ns}
        assert names <= set(_netns_names())
    assert not names & set(_netns_names())


def _netns_names() -> list[str]:
    listed = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True, check=True)
    return [line.split()[0] for line in listed.stdout.splitlines() if line.strip()]
