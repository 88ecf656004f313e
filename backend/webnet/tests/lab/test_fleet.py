"""Fleet generation, YAML topologies, inventory CSV and the `python -m webnet.lab` runner."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import asyncssh
import pytest

from webnet.lab import INVENTORY_HEADER, Fleet, LabServer, write_inventory_csv
from webnet.lab.fleet import parse_platform_mix

BACKEND = Path(__file__).resolve().parents[3]


def test_generated_fleet_is_distinct_and_neighbours_agree():
    fleet = Fleet.generate(count=60, platforms="cisco_ios:2,arista_eos:1,juniper_junos:1", seed=3)
    assert len({d.hostname for d in fleet}) == 60
    assert len({d.serial for d in fleet}) == 60
    assert len({d.mgmt_ip for d in fleet}) == 60
    assert len({d.os_version for d in fleet}) > 3
    for dev in fleet:
        assert dev.neighbors, dev.hostname
        for n in dev.neighbors:
            back = [m for m in n.device.neighbors if m.local_if == n.remote_if]
            assert len(back) == 1 and back[0].device is dev and back[0].remote_if == n.local_if
            # both ends of a link share a /31
            a, b = dev.interface(n.local_if).ip, n.device.interface(n.remote_if).ip
            assert a.rsplit(".", 1)[0] == b.rsplit(".", 1)[0] and a != b


def test_same_seed_same_fleet():
    a = Fleet.generate(count=20, seed=7)
    b = Fleet.generate(count=20, seed=7)
    assert [(d.hostname, d.serial, d.model) for d in a] == [
        (d.hostname, d.serial, d.model) for d in b
    ]
    assert a.links == b.links


def test_platform_mix():
    mix = parse_platform_mix("cisco_ios:5,arista_eos:3", 8)
    assert mix.count("cisco_ios") == 5 and mix.count("arista_eos") == 3


def test_yaml_topology(tmp_path):
    topo = tmp_path / "lab.yaml"
    topo.write_text("""
defaults: {site: lon1}
devices:
  - {hostname: core1, platform: cisco_nxos, role: core}
  - {hostname: edge1, platform: juniper_junos, faults: {latency: 20}}
  - {hostname: edge2, platform: cisco_ios, tags: "lab;edge"}
links:
  - core1:Ethernet1/1 -- edge1:ge-0/0/3
  - [core1:eth1/2, edge2:gi0/1]
  - {a: edge1, b: edge2}
""")
    fleet = Fleet.from_yaml(topo)
    core = fleet.by_hostname("core1")
    assert [(n.local_if, n.device.hostname, n.remote_if) for n in core.neighbors] == [
        ("Ethernet1/1", "edge1", "ge-0/0/3"),
        ("Ethernet1/2", "edge2", "GigabitEthernet0/1"),
    ]
    assert fleet.by_hostname("edge1").faults.latency_ms == 20
    assert fleet.by_hostname("edge2").tags == ("lab", "edge") and core.site == "lon1"


async def test_inventory_csv(tmp_path):
    fleet = Fleet.generate(count=3, seed=1)
    async with LabServer(fleet) as lab:
        path = write_inventory_csv(lab.devices, tmp_path / "inv.csv", credential="lab-cred")
    text = path.read_text()
    assert text.splitlines()[0] == (
        "hostname,management_host,port,platform,vendor,model,"
        "serial_number,os_version,role,site,tags,credential"
    )
    rows = list(csv.DictReader(text.splitlines()))
    assert tuple(rows[0]) == INVENTORY_HEADER and len(rows) == 3
    assert rows[0]["credential"] == "lab-cred" and ";" in rows[0]["tags"]
    assert all(int(r["port"]) > 0 for r in rows)


def test_command_line_runner_writes_state_and_stops_cleanly(tmp_path):
    # given the lab started as a process with a state directory
    env = {**os.environ, "PYTHONPATH": str(BACKEND)}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "webnet.lab",
            "--count",
            "5",
            "--state-dir",
            str(tmp_path),
            "--platforms",
            "cisco_ios,juniper_junos",
            "--fault",
            "R2=auth_failure",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        pid_file, inventory = tmp_path / "lab.pid", tmp_path / "inventory.csv"
        deadline = time.monotonic() + 20
        while not pid_file.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        # then it writes its PID and the inventory
        assert pid_file.read_text().strip() == str(proc.pid)
        rows = list(csv.DictReader(inventory.read_text().splitlines()))
        assert [r["platform"] for r in rows[:2]] == ["cisco_ios", "juniper_junos"]
        assert (tmp_path / "keys" / "ssh_host_ed25519_key").exists()
        # when SIGTERM arrives, then it stops and removes the PID file
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(15) == 0
        assert not pid_file.exists()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


@pytest.mark.parametrize("count", [1, 2])
async def test_tiny_fleets(count):
    fleet = Fleet.generate(count=count, seed=1)
    async with LabServer(fleet) as lab:
        dev = lab.devices[0]
        async with asyncssh.connect(
            dev.host, dev.port, username="admin", password="admin", known_hosts=None
        ) as conn:
            out = await conn.run("show version", check=True)
            assert "Cisco IOS" in out.stdout
