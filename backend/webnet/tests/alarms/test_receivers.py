"""The receivers against independent senders: net-snmp's `snmptrap` (v1 trap, v2c trap and
inform, v3 authPriv) and util-linux's `logger` (UDP and TCP, RFC 3164 and 5424, octet counting)."""

import asyncio
import socket
import subprocess
import time

import pytest
from asgiref.sync import sync_to_async

from webnet.alarms import conditions
from webnet.alarms.models import Alarm, AlarmState, Event
from webnet.alarms.receivers import service, snmp, syslog
from webnet.core import crypto
from webnet.monitoring.models import SnmpCredential
from webnet.tests import factories as f

pytestmark = pytest.mark.django_db(transaction=True)

ENGINE_ID = "8000000001020304"
V3 = ["-u", "noc", "-l", "authPriv", "-a", "SHA", "-A", "authpass123", "-x", "AES",
      "-X", "privpass123"]  # fmt: skip


async def run(*argv: str) -> None:
    process = await asyncio.create_subprocess_exec(
        *argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    out, err = await asyncio.wait_for(process.communicate(), 20)
    assert process.returncode == 0, (argv, out, err)


async def wait_for(predicate, timeout: float = 10.0):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = await sync_to_async(predicate)()
        if value:
            return value
        await asyncio.sleep(0.05)
    raise AssertionError("timed out")


def dropped(reason: str) -> float:
    return service.DROPPED.labels("trap", reason)._value.get()


def v3_credential(customer, auth_key: str = "authpass123", username: str = "noc"):  # type: ignore[no-untyped-def]
    return f.SnmpCredentialFactory(
        customer=customer,
        version="v3",
        community_encrypted="",
        username=username,
        auth_protocol="SHA",
        auth_key_encrypted=crypto.encrypt(auth_key),
        priv_protocol="AES",
        priv_key_encrypted=crypto.encrypt("privpass123"),
    )


@pytest.fixture
async def receivers():  # type: ignore[no-untyped-def]
    started = await service.start(("127.0.0.1", 0), ("127.0.0.1", 0))
    yield started
    started.close()


@pytest.fixture
def device(db):  # type: ignore[no-untyped-def]
    """A device on 127.0.0.1 whose customer uses community "public" and v3 user "noc"."""
    device = f.DeviceFactory(management_host="127.0.0.1")
    f.SnmpCredentialFactory(customer=device.customer, community="public")
    v3_credential(device.customer)
    return device


def trap_args(port: int, oid: str, if_index: int) -> list[str]:
    return [
        f"127.0.0.1:{port}",
        "",
        oid,
        f"{conditions.IF_INDEX}.{if_index}",
        "i",
        str(if_index),
        f"{conditions.IF_DESCR}.{if_index}",
        "s",
        f"Gi0/{if_index}",
    ]


async def test_v2c_trap_raises_and_link_up_clears(receivers, device) -> None:
    port = receivers.ports["trap"]
    await run("snmptrap", "-v", "2c", "-c", "public", *trap_args(port, conditions.LINK_DOWN, 7))
    alarm = await wait_for(lambda: Alarm.objects.filter(device=device).first())
    assert (alarm.condition, alarm.if_index, alarm.customer_id) == (
        "interface.down",
        7,
        device.customer_id,
    )
    # An inform is acknowledged (snmptrap -Ci waits for the response and fails without it).
    await run("snmptrap", "-v", "2c", "-c", "public", "-Ci", "-r", "0", "-t", "3",
              *trap_args(port, conditions.LINK_UP, 7))  # fmt: skip
    await wait_for(lambda: Alarm.objects.get(pk=alarm.pk).state == AlarmState.CLEARED)
    event = await sync_to_async(Event.objects.filter(alarm=alarm).first)()
    assert event.source_address == "127.0.0.1"


async def test_v3_authpriv_trap_is_received(receivers, device) -> None:
    port = receivers.ports["trap"]
    await run(
        "snmptrap", "-v", "3", "-e", ENGINE_ID, *V3, *trap_args(port, conditions.LINK_DOWN, 4)
    )
    alarm = await wait_for(lambda: Alarm.objects.filter(device=device, if_index=4).first())
    assert alarm.condition == "interface.down"
    event = await sync_to_async(Event.objects.get)(alarm=alarm)
    assert event.data["version"] == "v3"


async def test_v3_inform_is_acknowledged_by_net_snmp(receivers, device) -> None:
    # snmpinform discovers our engine id, sends the inform and exits non-zero without a Response
    port = receivers.ports["trap"]
    await run("snmpinform", "-v", "3", *V3, "-r", "1", "-t", "5",
              *trap_args(port, conditions.LINK_DOWN, 9))  # fmt: skip
    alarm = await wait_for(lambda: Alarm.objects.filter(device=device, if_index=9).first())
    event = await sync_to_async(Event.objects.get)(alarm=alarm)
    assert event.data["version"] == "v3"


async def test_v3_users_present_at_start_are_ready_before_the_first_inform(device) -> None:
    # given a customer with v3 user "noc" when the receivers start
    started = await service.start(("127.0.0.1", 0), ("127.0.0.1", 0))
    try:
        await asyncio.wait_for(started.pipeline.ready.wait(), 20)
        # then the engine exists and "noc" is installed for our engine id before any message
        engine = started.pipeline.snmpv3
        assert engine is not None
        ours = engine.engine.snmpEngineID.asOctets()
        assert engine.installed[(ours, "noc")].customer_id == device.customer_id
        # and the first inform is answered on its first try (-r 0: no retry), discovery
        # included; -t 5 leaves room for a loaded CI machine (net-snmp's default is 1 s)
        await run("snmpinform", "-v", "3", *V3, "-r", "0", "-t", "5",
                  *trap_args(started.ports["trap"], conditions.LINK_DOWN, 8))  # fmt: skip
        alarm = await wait_for(lambda: Alarm.objects.filter(device=device, if_index=8).first())
        assert alarm.condition == "interface.down"
    finally:
        started.close()


async def test_a_deleted_v3_user_stops_vouching_from_the_next_batch(receivers, device) -> None:
    port = receivers.ports["trap"]
    send = ["snmptrap", "-v", "3", "-e", ENGINE_ID, *V3]
    await run(*send, *trap_args(port, conditions.LINK_DOWN, 11))
    await wait_for(lambda: Alarm.objects.filter(if_index=11).exists())
    # when the customer deletes its v3 credential (no 30 s wait: the change is seen per batch)
    await sync_to_async(SnmpCredential.objects.filter(version="v3").delete)()
    refused = dropped("v3_refused")
    await run(*send, *trap_args(port, conditions.LINK_DOWN, 12))
    # then the same user, already installed for that engine id, no longer authenticates
    await wait_for(lambda: dropped("v3_refused") > refused)
    assert not await sync_to_async(Alarm.objects.filter(if_index=12).exists)()


async def test_a_user_installed_for_one_customer_does_not_vouch_for_another(
    receivers, device
) -> None:
    # given "noc" of our device's customer, installed by a trap from its engine id
    other = await sync_to_async(f.DeviceFactory)(management_host="127.0.0.2")
    port = receivers.ports["trap"]
    send = ["snmptrap", "-v", "3", "-e", ENGINE_ID, *V3]
    await run(*send, *trap_args(port, conditions.LINK_DOWN, 13))
    await wait_for(lambda: Alarm.objects.filter(if_index=13).exists())
    # when another customer's device, which has no v3 user, sends with the same engine id and keys
    refused = dropped("v3_refused")
    await run(
        "snmptrap", "--clientaddr=127.0.0.2", *send[1:], *trap_args(port, conditions.LINK_DOWN, 14)
    )
    # then it is refused, not authenticated by the user pysnmp holds for that engine id
    await wait_for(lambda: dropped("v3_refused") > refused)
    assert not await sync_to_async(Alarm.objects.filter(device=other).exists)()


async def test_v3_with_a_wrong_key_is_not_accepted(receivers, device) -> None:
    port = receivers.ports["trap"]
    refused = dropped("v3_refused")
    wrong = [*V3]
    wrong[wrong.index("authpass123")] = "wrong-pass-1"
    await run(
        "snmptrap", "-v", "3", "-e", ENGINE_ID, *wrong, *trap_args(port, conditions.LINK_DOWN, 5)
    )
    await run("snmptrap", "-v", "2c", "-c", "public", *trap_args(port, conditions.LINK_DOWN, 6))
    await wait_for(lambda: Alarm.objects.filter(if_index=6).exists())
    assert not await sync_to_async(Alarm.objects.filter(if_index=5).exists)()
    assert dropped("v3_refused") == refused + 1


async def test_another_customers_v3_user_and_community_do_not_vouch(receivers) -> None:
    # given our device's customer has no SNMP credential, and another customer has user "ops"
    # and community "theirs"
    device = await sync_to_async(f.DeviceFactory)(management_host="127.0.0.1")
    other = await sync_to_async(f.CustomerFactory)()
    await sync_to_async(v3_credential)(other, username="ops")
    await sync_to_async(f.SnmpCredentialFactory)(customer=other, community="theirs")
    port = receivers.ports["trap"]
    refused, none = dropped("v3_refused"), dropped("no_community")
    ops = [*V3]
    ops[ops.index("noc")] = "ops"
    # when our device sends with the other customer's user and community
    await run(
        "snmptrap", "-v", "3", "-e", ENGINE_ID, *ops, *trap_args(port, conditions.LINK_DOWN, 2)
    )
    await run("snmptrap", "-v", "2c", "-c", "theirs", *trap_args(port, conditions.LINK_DOWN, 3))
    # then both are dropped and counted, and nothing is stored
    await wait_for(lambda: dropped("v3_refused") > refused and dropped("no_community") > none)
    assert not await sync_to_async(Event.objects.exists)()
    # and once our customer names its v3 user, the same trap is ours
    await sync_to_async(v3_credential)(device.customer, username="ops")
    await run(
        "snmptrap", "-v", "3", "-e", ENGINE_ID, *ops, *trap_args(port, conditions.LINK_DOWN, 2)
    )
    alarm = await wait_for(lambda: Alarm.objects.filter(if_index=2).first())
    assert alarm.customer_id == device.customer_id


@pytest.mark.parametrize(
    "options",
    [
        ["-d", "--rfc3164"],
        ["-d", "--rfc5424"],
        ["-T", "--rfc5424", "--octet-count"],
        ["-T", "--rfc3164"],
    ],
)
async def test_logger_lines_over_udp_and_tcp(receivers, device, options) -> None:
    port = receivers.ports["syslog"]
    down = "%LINK-3-UPDOWN: Interface GigabitEthernet0/3, changed state to down"
    await run("logger", "-n", "127.0.0.1", "-P", str(port), *options, "-t", "router", down)
    alarm = await wait_for(lambda: Alarm.objects.filter(device=device).first())
    assert alarm.resource.endswith("/if:GigabitEthernet0/3")
    event = await sync_to_async(Event.objects.get)(alarm=alarm)
    assert event.source == "syslog" and event.message == down
    assert event.data["app"] == "router"


async def test_v1_trap_is_read_and_an_unknown_community_is_dropped_and_counted(
    receivers, device
) -> None:
    port = receivers.ports["trap"]
    refused = dropped("unknown_community")
    v1 = ["snmptrap", "-v", "1", f"127.0.0.1:{port}", "1.3.6.1.4.1.8072", "127.0.0.1", "2", "0", ""]
    varbinds = [f"{conditions.IF_INDEX}.5", "i", "5"]
    # when a v1 linkDown (generic-trap 2) comes with another community, then it is counted only
    await run(*v1[:3], "-c", "private", *v1[3:], *varbinds)
    await wait_for(lambda: dropped("unknown_community") > refused)
    assert not await sync_to_async(Event.objects.exists)()
    # and with the customer's community it raises the interface's alarm
    await run(*v1[:3], "-c", "public", *v1[3:], *varbinds)
    alarm = await wait_for(lambda: Alarm.objects.filter(device=device).first())
    assert (alarm.condition, alarm.if_index) == ("interface.down", 5)
    event = await sync_to_async(Event.objects.get)()
    assert event.data["version"] == "v1" and event.data["trap_oid"] == conditions.LINK_DOWN


async def test_unknown_sources_and_garbage_are_counted_not_stored(receivers) -> None:
    port = receivers.ports["trap"]
    before = service.DROPPED.labels("trap", "unknown_source")._value.get()
    garbage = service.DROPPED.labels("trap", "undecodable")._value.get()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sender:
        sender.sendto(b"\x30\x03\x02\x01", ("127.0.0.1", port))
    await run("snmptrap", "-v", "2c", "-c", "public", *trap_args(port, conditions.LINK_DOWN, 1))
    await wait_for(lambda: service.DROPPED.labels("trap", "unknown_source")._value.get() > before)
    assert service.DROPPED.labels("trap", "undecodable")._value.get() == garbage + 1
    assert not await sync_to_async(Event.objects.exists)()


def test_v2c_decoder_reads_what_pysnmp_encodes() -> None:
    from pyasn1.codec.ber import encoder
    from pysnmp.proto import api

    proto = api.PROTOCOL_MODULES[api.SNMP_VERSION_2C]
    values = {
        "1.3.6.1.2.1.2.2.1.1.2": proto.Integer(-2),
        "1.3.6.1.2.1.2.2.1.2.2": proto.OctetString("Gi0/2 uplink"),
        "1.3.6.1.2.1.2.2.1.10.2": proto.Counter32(4294967295),
        "1.3.6.1.2.1.31.1.1.1.6.2": proto.Counter64(2**64 - 1),
        "1.3.6.1.2.1.4.20.1.1.2": proto.IpAddress("10.0.0.1"),
        "1.3.6.1.2.1.1.2.0": proto.ObjectIdentifier("1.3.6.1.4.1.9.1.1"),
        "1.3.6.1.4.1.9.9.1": proto.OctetString(b"\xff\x00"),
    }
    pdu = proto.SNMPv2TrapPDU()
    proto.apiTrapPDU.set_defaults(pdu)
    varbinds = [
        (proto.ObjectIdentifier(snmp.SYS_UPTIME), proto.TimeTicks(5)),
        (proto.ObjectIdentifier(snmp.SNMP_TRAP_OID), proto.ObjectIdentifier(conditions.LINK_DOWN)),
        *[(proto.ObjectIdentifier(k), v) for k, v in values.items()],
    ]
    proto.apiTrapPDU.set_varbinds(pdu, varbinds)
    message = proto.Message()
    proto.apiMessage.set_defaults(message)
    proto.apiMessage.set_community(message, "s3cret")
    proto.apiMessage.set_pdu(message, pdu)
    packet = encoder.encode(message)

    decoded = snmp.decode_v2c(packet)
    assert decoded.trap_oid == conditions.LINK_DOWN and decoded.community == "s3cret"
    assert decoded.varbinds == {
        snmp.SYS_UPTIME: "5",
        "1.3.6.1.2.1.2.2.1.1.2": "-2",
        "1.3.6.1.2.1.2.2.1.2.2": "Gi0/2 uplink",
        "1.3.6.1.2.1.2.2.1.10.2": "4294967295",
        "1.3.6.1.2.1.31.1.1.1.6.2": str(2**64 - 1),
        "1.3.6.1.2.1.4.20.1.1.2": "10.0.0.1",
        "1.3.6.1.2.1.1.2.0": "1.3.6.1.4.1.9.1.1",
        "1.3.6.1.4.1.9.9.1": "ff:00",
    }
    for cut in (5, len(packet) // 2, len(packet) - 1):
        with pytest.raises(snmp.DecodeError):
            snmp.decode_v2c(packet[:cut])


def test_syslog_parses_both_formats_and_frames_tcp() -> None:
    bsd = syslog.parse(
        b"<187>Dec  2 01:02:03 edge1 %LINK-3-UPDOWN: Interface Gi0/1, changed state to down"
    )
    assert (bsd.facility, bsd.severity, bsd.host, bsd.format) == (23, 3, "edge1", "3164")
    assert bsd.text.startswith("%LINK-3-UPDOWN")
    modern = syslog.parse(
        b'<13>1 2026-12-02T01:02:03Z edge1 app 12 ID7 [ex@1 a="b\\]c"][x@2 k="v"] hello'
    )
    assert (modern.host, modern.app, modern.text, modern.format) == (
        "edge1",
        "app",
        "hello",
        "5424",
    )
    framer = syslog.Framer()
    assert framer.feed(b"5 hello6 wor") == [b"hello"]
    assert framer.feed(b"ld!<13>line one\n<13>line") == [b"world!", b"<13>line one"]
    assert framer.feed(b" two\n") == [b"<13>line two"]
