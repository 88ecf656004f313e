"""The lab agent against a third-party agent: a walk of a lab device (net-snmp's snmpbulkwalk)
becomes an snmprec file that snmpsim (pysnmp) serves; walks of both agree, and both encode the
same GET response byte for byte — the lab's BER is the standard one, not just self-consistent."""

from __future__ import annotations

import asyncio
import os
import socket
import sys

from webnet.lab import Fleet, LabServer
from webnet.lab.snmp import SnmpOptions, ber

from .snmptools import free_udp_port, parse, run

SNMPREC_TYPE = {
    "INTEGER": "2",
    "Hex-STRING": "4x",
    "OID": "6",
    "IpAddress": "64",
    "Counter32": "65",
    "Gauge32": "66",
    "Timeticks": "67",
    "Counter64": "70",
}
# values that move between two walks of the same lab device
DYNAMIC = (
    ".1.3.6.1.2.1.1.3.0",
    ".1.3.6.1.2.1.25.2.3.1.6.",
    ".1.3.6.1.2.1.25.3.3.1.2.",
    *(f".1.3.6.1.2.1.2.2.1.{c}." for c in (10, 11, 12, 13, 14, 16, 17, 18, 19, 20)),
    *(f".1.3.6.1.2.1.31.1.1.1.{c}." for c in range(2, 14)),
)
STATIC_GET = [
    "1.3.6.1.2.1.1.1.0",
    "1.3.6.1.2.1.1.2.0",
    "1.3.6.1.2.1.1.5.0",
    "1.3.6.1.2.1.2.2.1.2.2",
    "1.3.6.1.2.1.2.2.1.5.2",
    "1.3.6.1.2.1.2.2.1.6.2",
    "1.3.6.1.2.1.2.2.1.8.2",
    "1.3.6.1.2.1.31.1.1.1.1.2",
    "1.3.6.1.2.1.31.1.1.1.15.2",
    "1.3.6.1.2.1.31.1.1.1.18.2",
]
WALK = ["-v2c", "-c", "public", "-On", "-Ox", "-Oe"]


def snmprec(walk: dict[str, tuple[str, str]]) -> str:
    """snmpbulkwalk `-On -Ox -Oe` output -> snmpsim's `OID|TYPE|VALUE` lines."""
    lines = []
    for oid, (kind, text) in walk.items():
        if not kind and text == '""':
            kind, text = "Hex-STRING", ""
        if kind == "Timeticks":
            text = text.split("(")[1].split(")")[0]
        elif kind == "Hex-STRING":
            text = "".join(text.split())
        elif kind == "OID":
            text = text.lstrip(".")
        lines.append(f"{oid.lstrip('.')}|{SNMPREC_TYPE[kind]}|{text}")
    return "\n".join(lines) + "\n"


def get_request(request_id: int) -> bytes:
    varbinds = b"".join(ber.varbind(ber.oid(ber.parse_oid(o)), ber.NULL_VALUE) for o in STATIC_GET)
    pdu = ber.pdu(ber.GET, request_id, 0, 0, varbinds)
    return ber.tlv(ber.SEQUENCE, ber.integer(1) + ber.octets("public") + pdu)


def raw_get(port: int, request: bytes) -> bytes:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(5)
        s.sendto(request, ("127.0.0.1", port))
        return s.recv(65535)


async def start_snmpsim(data_dir, port: int) -> asyncio.subprocess.Process:
    code = "import sys; from snmpsim.commands.responder import main; sys.exit(main())"
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        code,
        f"--data-dir={data_dir}",
        f"--cache-dir={data_dir / 'cache'}",
        f"--agent-udpv4-endpoint=127.0.0.1:{port}",
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
        env={**os.environ, "SNMPSIM_ALLOW_ROOT": "true"},  # we run tests as root
    )
    for _ in range(150):
        code_, _out, _err = await run(
            "snmpget",
            "-v2c",
            "-c",
            "public",
            "-t",
            "0.2",
            "-r",
            "0",
            f"127.0.0.1:{port}",
            "1.3.6.1.2.1.1.5.0",
        )
        if code_ == 0:
            return proc
    proc.kill()
    raise AssertionError("snmpsim did not come up")


async def test_lab_walk_matches_snmpsim_serving_its_recording(tmp_path):
    fleet = Fleet.generate(count=2, platforms="cisco_ios,juniper_junos", seed=8)
    async with LabServer(fleet, snmp=SnmpOptions()) as lab:
        dev = lab.devices[0]
        lab_target = f"{dev.snmp_host}:{dev.snmp_port}"
        code, recorded, err = await run("snmpbulkwalk", *WALK, lab_target, "1.3.6.1")
        assert code == 0, err
        (tmp_path / "public.snmprec").write_text(snmprec(parse(recorded)))
        port = free_udp_port()
        sim = await start_snmpsim(tmp_path, port)
        try:
            code, served, err = await run("snmpbulkwalk", *WALK, f"127.0.0.1:{port}", "1.3.6.1")
            assert code == 0, err
            code, again, err = await run("snmpbulkwalk", *WALK, lab_target, "1.3.6.1")
            lab_bytes = await asyncio.to_thread(raw_get, dev.snmp_port, get_request(4242))
            sim_bytes = await asyncio.to_thread(raw_get, port, get_request(4242))
        finally:
            sim.kill()
            await sim.wait()
    served_vbs, lab_vbs = parse(served), parse(again)
    assert len(lab_vbs) > 300
    assert list(served_vbs) == list(lab_vbs)
    for oid, (kind, text) in lab_vbs.items():
        assert served_vbs[oid][0] == kind, oid
        if not oid.startswith(DYNAMIC):
            assert served_vbs[oid][1] == text, oid
    assert lab_bytes == sim_bytes
