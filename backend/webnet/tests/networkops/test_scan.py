"""Scanning lab ranges with mixed credentials; the range limit; approving candidates."""

import asyncio

import pytest
from asgiref.sync import sync_to_async
from django.core.exceptions import PermissionDenied, ValidationError

from webnet.core.models import AuditEvent
from webnet.devices.models import Device, SSHHostKey
from webnet.jobs import executors
from webnet.jobs.models import Job, JobLog
from webnet.jobs.runner import run_job
from webnet.lab import Fleet, LabServer
from webnet.networkops import discovery, ranges
from webnet.networkops.models import CustomerIPRange, DiscoveryCandidate
from webnet.networkops.scan import start_scan
from webnet.tests import factories as f


class Listener:
    """A TCP port that counts who connects: proof that a scan did (not) touch it."""

    def __init__(self, host: str, hold: float = 0) -> None:
        self.host = host
        self.hits = 0
        self.hold = hold  # seconds to keep a connection open without a word (a tarpit)

    async def start(self) -> int:
        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            self.hits += 1
            await asyncio.sleep(self.hold)
            writer.close()

        self.server = await asyncio.start_server(handle, self.host, 0)
        return self.server.sockets[0].getsockname()[1]


def _world(alpha: LabServer, bravo: LabServer, outside_port: int):  # type: ignore[no-untyped-def]
    customer = f.CustomerFactory()
    admin = f.MembershipFactory(customer=customer, role="admin").user
    # in name order: bravo's password first, so alpha devices need the second credential
    first = f.CredentialFactory(
        customer=customer, name="1-bravo", username="admin", password="bravo-pw"
    )
    second = f.CredentialFactory(
        customer=customer, name="2-alpha", username="admin", password="alpha-pw"
    )
    ports = sorted(d.port for d in [*alpha.devices, *bravo.devices] if d.port != outside_port)
    spec = ",".join(str(p) for p in ports)
    discovery.create_range(admin, {"customer": customer, "cidr": "127.0.0.1/32", "ports": spec})
    return customer, admin, first, second


@pytest.fixture(autouse=True)
def _no_background_jobs(monkeypatch: pytest.MonkeyPatch) -> None:
    """The tests run each scan job themselves, on their own loop."""
    monkeypatch.setattr(executors, "submit", lambda job_id: None)


async def test_scan_finds_the_right_credential_and_stays_in_range(transactional_db) -> None:  # type: ignore[no-untyped-def]
    alpha = LabServer(
        Fleet.generate(
            count=3, platforms="cisco_ios,arista_eos,juniper_junos", seed=3, hostname_prefix="A"
        ),
        password="alpha-pw",
    )
    bravo = LabServer(
        Fleet.generate(count=2, platforms="cisco_nxos,cisco_iosxr", seed=4, hostname_prefix="B"),
        password="bravo-pw",
    )
    other_address = Listener("127.0.0.2")
    async with alpha, bravo:
        outside = alpha.device("A3").port  # a lab device on a port the range does not list
        await other_address.start()
        customer, admin, first, second = await sync_to_async(_world)(alpha, bravo, outside)
        job = await sync_to_async(start_scan)(admin, customer)
        await run_job(job.pk)
        job = await sync_to_async(Job.objects.get)(pk=job.pk)
        assert (job.kind, job.status, job.total, job.succeeded) == (
            "onboarding.scan",
            "success",
            4,
            4,
        )
        log = await sync_to_async(
            lambda: "\n".join(JobLog.objects.filter(job=job).values_list("message", flat=True))
        )()
        assert "SSH: A1 (cisco_ios)" in log and "alpha-pw" not in log
        found = await sync_to_async(
            lambda: {
                c.hostname: (c.port, c.platform, c.credential_id, c.facts.get("os_version"))
                for c in DiscoveryCandidate.objects.filter(customer=customer)
            }
        )()
        assert set(found) == {"A1", "A2", "B1", "B2"}  # A3 (outside the port list) untouched
        for host, (port, platform, credential, version) in found.items():
            lab = alpha if host.startswith("A") else bravo
            assert port == lab.device(host).port and platform == lab.device(host).platform
            assert credential == (second.pk if host.startswith("A") else first.pk)
            assert version == lab.device(host).os_version
        assert other_address.hits == 0

        # an admin approves one: the device is created with the working credential and key
        candidate = await sync_to_async(
            lambda: DiscoveryCandidate.objects.get(customer=customer, hostname="A1")
        )()
        device = await sync_to_async(discovery.approve)(admin, candidate)
        assert device.credential_id == second.pk and device.platform == "cisco_ios"
        assert await sync_to_async(SSHHostKey.objects.filter(device=device).count)() == 1
        # a rescan does not queue the managed device again
        assert (await sync_to_async(start_scan)(admin, customer)).total == 3


async def test_a_scan_is_a_job_that_can_be_cancelled(transactional_db) -> None:  # type: ignore[no-untyped-def]
    """Addresses that never answer: cancel stops the probes, every address gets a result."""
    customer = await sync_to_async(f.CustomerFactory)()
    admin = await sync_to_async(lambda: f.MembershipFactory(customer=customer, role="admin").user)()
    silent = Listener("127.0.0.3", hold=30)
    port = await silent.start()
    await sync_to_async(discovery.create_range)(
        admin, {"customer": customer, "cidr": "127.0.0.3/32", "ports": str(port)}
    )
    job = await sync_to_async(start_scan)(admin, customer)
    running = asyncio.create_task(run_job(job.pk))
    await asyncio.sleep(0.5)
    await sync_to_async(lambda: Job.objects.filter(pk=job.pk).update(cancel_requested=True))()
    await asyncio.wait_for(running, 10)
    job = await sync_to_async(Job.objects.get)(pk=job.pk)
    assert job.status == "cancelled" and job.cancelled == 1


def test_only_admins_scan_and_only_their_ranges(db) -> None:  # type: ignore[no-untyped-def]
    customer, other = f.CustomerFactory(), f.CustomerFactory()
    admin = f.MembershipFactory(customer=customer, role="admin").user
    operator = f.MembershipFactory(customer=customer, role="operator").user
    mine = discovery.create_range(
        admin, {"customer": customer, "cidr": "127.0.0.8/32", "ports": "22"}
    )
    theirs = CustomerIPRange.objects.create(customer=other, cidr="127.0.0.9/32", ports="22")
    with pytest.raises(PermissionDenied):
        start_scan(operator, customer)
    with pytest.raises(ValidationError):
        start_scan(admin, customer, [theirs.pk])  # another customer's range matches nothing
    job = start_scan(admin, customer, [mine.pk, theirs.pk])
    assert job.addresses == ["127.0.0.8:22"] and job.device_ids == []


def test_ranges_refuse_large_networks_and_too_many_targets() -> None:
    assert ranges.validate("10.0.0.0/22", "22") == ("10.0.0.0/22", "22")
    for cidr, ports in (("10.0.0.0/21", "22"), ("10.0.0.0/22", "22,23,2222,830,8022")):
        with pytest.raises(ValidationError):
            ranges.validate(cidr, ports)
    with pytest.raises(ValidationError):
        ranges.validate("10.0.0.1/24", "22")  # host bits set: ambiguous
    assert list(ranges.targets("127.0.0.1/32", "10001-10003")) == [
        ("127.0.0.1", 10001),
        ("127.0.0.1", 10002),
        ("127.0.0.1", 10003),
    ]
    assert len(list(ranges.targets("10.0.0.0/30", "22"))) == 2


def test_bulk_reject_ignore_and_approve_errors(db) -> None:  # type: ignore[no-untyped-def]
    customer = f.CustomerFactory()
    admin = f.MembershipFactory(customer=customer, role="admin").user
    operator = f.MembershipFactory(customer=customer, role="operator").user
    a, b, c = (
        DiscoveryCandidate.objects.create(customer=customer, source="lldp", hostname=name)
        for name in ("n1", "n2", "n3")
    )
    results = discovery.bulk(admin, [a, b], "ignore")
    assert all(r["ok"] for r in results)
    assert discovery.bulk(operator, [c], "reject")[0]["ok"] is False
    failed = discovery.bulk(admin, [c], "approve")[0]
    assert not failed["ok"] and "management_host" in failed["error"]
    assert not Device.objects.exists()
    assert AuditEvent.objects.filter(action="update").count() == 2
