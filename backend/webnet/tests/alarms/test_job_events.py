"""Job outcomes become alarms that a later success clears (jobs.outcomes result listener)."""

import pytest
from asgiref.sync import sync_to_async

from webnet.alarms.job_events import record_job_outcomes
from webnet.alarms.models import Alarm, Event
from webnet.jobs.registry import DeviceOutcome
from webnet.jobs.runner import run_job
from webnet.jobs.services import JobService
from webnet.tests import factories as f


async def _backup(world) -> None:
    job = await sync_to_async(JobService.create_job)(
        world.operator, world.customer, "config.backup", {"all": True}, {}, submit=False
    )
    await run_job(job.pk)


@sync_to_async
def _alarms() -> dict[tuple[str, str], str]:
    return {
        (a.device.hostname, a.condition): a.state for a in Alarm.objects.select_related("device")
    }


@sync_to_async
def _wrong_password(world, hostname: str, password: str) -> None:
    credential = f.CredentialFactory(
        customer=world.customer, username="admin", password=password, enable_secret="enable"
    )
    world.devices[hostname].credential = credential
    world.devices[hostname].save(update_fields=["credential"])


async def test_failed_backup_and_out_of_band_change_raise_alarms_a_later_success_clears(
    start_lab,
) -> None:
    # given two lab devices, one with a wrong password in the inventory
    world = await start_lab(platforms=["cisco_ios"], count=2)
    await _wrong_password(world, "R2", "wrong")
    await _backup(world)
    assert await _alarms() == {("R2", "backup.failed"): "active"}
    # when R1 is changed by hand and R2's password fixed
    await world.by_hand("R1", ["interface Loopback0", "description changed by hand"])
    await _wrong_password(world, "R2", "admin")
    await _backup(world)
    # then the good backup cleared R2's alarm and R1's hand change is drift
    assert await _alarms() == {
        ("R2", "backup.failed"): "cleared",
        ("R1", "config.drift"): "active",
    }
    # and routine backups write no clear events where nothing was open
    await _backup(world)
    count = await sync_to_async(Event.objects.count)()
    assert count == 3


@pytest.mark.django_db
def test_a_rolled_back_deploy_raises_until_a_deploy_succeeds() -> None:
    device = f.DeviceFactory()
    job = f.JobFactory(customer=device.customer, kind="config.deploy", params={"plan": 4})
    failed = DeviceOutcome.failure("verify_failed", "line missing", rolled_back=True)
    record_job_outcomes(job, [(device, failed)])
    alarm = Alarm.objects.get()
    assert (alarm.condition, alarm.severity, alarm.state) == (
        "deploy.rolled_back",
        "major",
        "active",
    )
    worse = DeviceOutcome.failure("rollback_failed", "stuck", rollback_failed=True)
    record_job_outcomes(job, [(device, worse)])
    alarm.refresh_from_db()
    assert (alarm.severity, alarm.occurrences) == ("critical", 2)
    record_job_outcomes(job, [(device, DeviceOutcome())])
    alarm.refresh_from_db()
    assert alarm.state == "cleared"


@pytest.mark.django_db
def test_a_newly_failing_compliance_rule_raises_per_rule_and_passing_clears_it() -> None:
    device = f.DeviceFactory()
    job = f.JobFactory(customer=device.customer, kind="compliance.check")

    def outcome(*statuses: str) -> DeviceOutcome:
        rows = [
            {
                "policy": 1,
                "rule": rule,
                "rule_name": f"r{rule}",
                "severity": "high",
                "status": status,
                "message": "",
            }
            for rule, status in enumerate(statuses, start=10)
        ]
        return DeviceOutcome(data={"results": rows})

    record_job_outcomes(job, [(device, outcome("pass", "fail", "error"))])
    (alarm,) = Alarm.objects.all()
    assert alarm.resource == f"device:{device.pk}/compliance-rule:11"
    assert (alarm.condition, alarm.severity) == ("compliance.rule_failing", "major")
    record_job_outcomes(job, [(device, outcome("fail", "pass", "error"))])
    states = dict(Alarm.objects.values_list("resource", "state"))
    assert states == {
        f"device:{device.pk}/compliance-rule:10": "active",
        f"device:{device.pk}/compliance-rule:11": "cleared",
    }
