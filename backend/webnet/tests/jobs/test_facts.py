"""The facts kind against the lab: one template failing costs only its own fields."""

from asgiref.sync import sync_to_async

from webnet.devices.models import Device
from webnet.jobs.models import Job, JobDeviceResult, JobLog
from webnet.jobs.runner import run_job
from webnet.jobs.services import JobService


async def _facts(world) -> Job:  # type: ignore[no-untyped-def]
    job = await sync_to_async(JobService.create_job)(
        world.operator, world.customer, "devices.collect_facts", {"all": True}, {}, submit=False
    )
    await run_job(job.pk)
    return await sync_to_async(Job.objects.get)(pk=job.pk)


async def test_a_show_version_its_template_rejects_leaves_only_its_fields_empty(start_lab) -> None:
    # given a Junos device whose show version has a syslog message in the middle (the template
    # rejects it) and a clean one
    world = await start_lab(
        platforms=["juniper_junos"], count=2, faults=["R1=syslog_line:show version"]
    )
    # when facts are collected
    job = await _facts(world)
    results = {
        r.hostname: r for r in await sync_to_async(list)(JobDeviceResult.objects.filter(job=job))
    }
    # then both devices succeed; R1 still has its interfaces, and says what was not parsed
    assert job.status == "success", {h: r.error_message for h, r in results.items()}
    r1, r2 = results["R1"].data, results["R2"].data
    assert r1["interfaces"] and r1["facts"] == {}
    (entry,) = r1["unparsed"]
    assert entry["command"] == "show version"
    assert entry["fields"] == ["os_version", "model", "serial_number"]
    assert "did not match its template" in entry["error"]
    assert r2["facts"]["os_version"] and r2["unparsed"] == []
    warnings = await sync_to_async(list)(
        JobLog.objects.filter(job=job, level="warning").values_list("hostname", "message")
    )
    assert [h for h, _ in warnings] == ["R1"] and "show version: not parsed" in warnings[0][1]
    device = await sync_to_async(Device.objects.get)(pk=world.devices["R2"].pk)
    assert device.os_version == r2["facts"]["os_version"]


async def test_nothing_parsed_is_a_failed_device(start_lab) -> None:
    # given every show command of R1 carries a syslog message its template rejects
    world = await start_lab(platforms=["juniper_junos"], count=1, faults=["R1=syslog_line:show"])
    # when facts are collected
    job = await _facts(world)
    result = await sync_to_async(JobDeviceResult.objects.get)(job=job)
    # then the device failed, naming both commands
    assert (job.status, result.error_code) == ("failed", "parse_error")
    assert [e["command"] for e in result.data["unparsed"]] == [
        "show version",
        "show interfaces",
    ]
