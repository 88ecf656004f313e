"""run_commands sends only read-only lines: per-platform verbs and display filters, every line."""

import pytest
from asgiref.sync import sync_to_async

from webnet.jobs.models import Job, JobDeviceResult
from webnet.jobs.readonly import refusal
from webnet.jobs.runner import run_job
from webnet.jobs.services import JobService
from webnet.tests.conftest import client_for

SHOW_CLOCK = {"commands": ["show clock"]}
SMUGGLED = "show clock\nconfigure terminal\nsnmp-server location X\nend"


@pytest.mark.parametrize(
    ("platform", "line"),
    [
        ("cisco_ios", "show running-config | include snmp"),
        ("cisco_ios", "sh ip int br | i up"),
        ("cisco_ios", "ping 10.0.0.1"),
        ("cisco_nxos", "show interface | json | no-more"),
        ("cisco_iosxr", "show route | begin 10.0"),
        ("arista_eos", "show version | json"),
        ("juniper_junos", "show configuration | display set | match snmp"),
        ("juniper_junos", "traceroute 192.0.2.1"),
    ],
)
def test_read_only_lines_pass(platform: str, line: str) -> None:
    assert refusal(platform, line) is None


@pytest.mark.parametrize(
    ("platform", "line"),
    [
        ("cisco_ios", "wr"),
        ("cisco_ios", "s"),  # too short to be `show` for sure
        ("cisco_ios", "configure terminal"),
        ("cisco_ios", "show running-config | redirect flash:copy"),
        ("cisco_ios", "show running-config | tee flash:copy"),
        ("cisco_ios", "show running-config | append flash:copy"),
        ("cisco_ios", "show running-config | t flash:copy"),
        ("cisco_ios", "show clock\tconfigure"),
        ("cisco_nxos", "show running-config > bootflash:copy"),
        ("cisco_nxos", "show running-config | email to x@example.com"),
        ("cisco_iosxr", "show running-config | file disk0:copy"),
        ("arista_eos", "show running-config | redirect flash:copy"),
        ("juniper_junos", "show configuration | save /var/tmp/copy"),
        ("juniper_junos", "show configuration | s /var/tmp/copy"),  # `| s` is save on Junos
        ("juniper_junos", "request system reboot"),
        ("juniper_junos", "show configuration | display set | tee /var/tmp/x"),
    ],
)
def test_lines_that_write_are_refused(platform: str, line: str) -> None:
    assert refusal(platform, line)


def _post(world, commands: list[str]):
    return client_for(world.operator).post(
        "/api/v1/jobs/",
        {
            "customer": world.customer.pk,
            "kind": "commands.run",
            "targets": {"all": True},
            "params": {"commands": commands},
        },
        format="json",
    )


async def test_no_run_commands_request_changes_a_device(start_lab) -> None:
    world = await start_lab(platforms=["cisco_ios", "juniper_junos"], count=2)
    before = {host: await world.running(host) for host in world.devices}
    for commands, named in (
        ([SMUGGLED], "configure terminal"),
        (["wr"], "wr"),
        (["show running-config | redirect flash:x"], "redirect"),
        (["show running-config | section snmp"], "juniper_junos"),  # IOS filter, not Junos
    ):
        response = await sync_to_async(_post)(world, commands)
        assert response.status_code == 400, (commands, response.json())
        assert named in response.json()["commands"][0]
    assert await sync_to_async(Job.objects.count)() == 0
    assert {host: await world.running(host) for host in world.devices} == before


async def test_the_device_refuses_what_the_job_check_would_refuse(start_lab) -> None:
    """A job whose stored params were altered after creation still sends nothing that writes."""
    world = await start_lab(platforms=["cisco_ios"], count=1)
    before = await world.running("R1")
    job = await sync_to_async(JobService.create_job)(
        world.operator, world.customer, "commands.run", {"all": True}, SHOW_CLOCK, submit=False
    )
    job_id = job.pk
    await sync_to_async(Job.objects.filter(pk=job_id).update)(
        params={"commands": ["configure terminal", "snmp-server location X", "end"]}
    )
    await run_job(job_id)
    result = await sync_to_async(JobDeviceResult.objects.get)(job_id=job_id)
    assert result.error_code == "command_rejected" and "configure terminal" in result.error_message
    assert await world.running("R1") == before
