"""The compliance job against the lab over SSH: backup first, then compliance on IOS, EOS and
Junos; waivers; a fresh run; remediation lines for a failing must_contain on IOS."""

from asgiref.sync import sync_to_async

from webnet.compliance import services
from webnet.compliance.models import ComplianceResult, ComplianceRun
from webnet.compliance.policy_yaml import load
from webnet.compliance.remediation import remediation_lines
from webnet.jobs.models import Job, JobDeviceResult
from webnet.jobs.runner import run_job
from webnet.jobs.services import JobService

PLATFORMS = ["cisco_ios", "arista_eos", "juniper_junos"]

EVERYWHERE = """\
name: identity
rules:
  - name: hostname set
    kind: regex_compare
    parameters:
      regex: '(?:hostname|set system host-name) (\\S+)'
      operator: in
      value: [R1, R2, R3]
"""

IOS = """\
name: ios baseline
platforms: [cisco_ios]
severity: high
rules:
  - name: ssh v2
    kind: must_contain
    parameters: {lines: [ip ssh version 2]}
  - name: log buffer
    kind: must_contain
    parameters: {lines: [logging buffered 32768]}
  - name: password encryption
    kind: must_contain
    parameters: {lines: [service password-encryption]}
  - name: vty ssh only
    kind: hierarchical
    parameters: {snippet: "line vty 0 4\\n transport input ssh\\n"}
  - name: uplinks described
    kind: must_contain
    context: '^interface GigabitEthernet0/[01]$'
    parameters: {lines: ['description .+'], regex: true}
"""

EOS_AND_JUNOS = """\
name: lldp and ntp
platforms: [arista_eos, juniper_junos]
rules:
  - name: lldp
    kind: must_contain
    parameters: {lines: ['(lldp run|set protocols lldp)'], regex: true}
  - name: junos ntp
    kind: hierarchical
    parameters: {snippet: "system {\\n  ntp {\\n    server 192.0.2.123;\\n  }\\n}\\n"}
  - name: enabled interfaces
    kind: must_not_contain
    context: '^(interface Ethernet\\d+|set interfaces ge-\\S+)'
    parameters: {lines: ['(shutdown|disable)'], regex: true}
"""


async def _run(world, kind: str, params: dict | None = None) -> Job:
    job = await sync_to_async(JobService.create_job)(
        world.operator, world.customer, kind, {"all": True}, params or {}, submit=False
    )
    await run_job(job.pk)
    return await sync_to_async(Job.objects.get)(pk=job.pk)


@sync_to_async
def _setup(world) -> dict:
    admin = world.operator  # the policies are written by a service call, not through a role
    policies = {
        text.split("\n", 1)[0][6:]: services.save_policy(admin, world.customer, load(text))
        for text in (EVERYWHERE, IOS, EOS_AND_JUNOS)
    }
    r1 = world.devices["R1"]
    rule = policies["ios baseline"].rules.get(name="password encryption")
    services.create_waiver(
        admin, {"customer": world.customer, "device": r1, "rule": rule, "reason": "legacy"}
    )
    return policies


@sync_to_async
def _results(job: Job) -> dict[tuple[str, str], ComplianceResult]:
    run = ComplianceRun.objects.get(job=job)
    return {
        (r.device.hostname, r.rule_name): r
        for r in ComplianceResult.objects.filter(run=run).select_related("device")
    }


async def test_compliance_job_on_ios_eos_and_junos(start_lab) -> None:
    world = await start_lab(platforms=PLATFORMS, count=3)
    assert {d.platform for d in world.devices.values()} == set(PLATFORMS)
    backup = await _run(world, "config.backup")
    assert backup.status == "success"
    await _setup(world)
    job = await _run(world, "compliance.check")
    assert job.status == "success", await sync_to_async(list)(
        JobDeviceResult.objects.filter(job=job).values()
    )
    results = await _results(job)
    statuses = {key: r.status for key, r in results.items()}
    platform = {d.hostname: d.platform for d in world.devices.values()}
    ios = next(h for h, p in platform.items() if p == "cisco_ios")
    eos = next(h for h, p in platform.items() if p == "arista_eos")
    junos = next(h for h, p in platform.items() if p == "juniper_junos")
    assert ios == "R1"
    for host in (ios, eos, junos):
        assert statuses[(host, "hostname set")] == "pass"
    assert statuses[(ios, "ssh v2")] == "pass"
    assert statuses[(ios, "log buffer")] == "fail"
    assert statuses[(ios, "password encryption")] == "waived"
    assert statuses[(ios, "vty ssh only")] == "pass"
    assert statuses[(ios, "uplinks described")] == "pass"
    assert statuses[(eos, "lldp")] == "pass"
    assert statuses[(junos, "junos ntp")] == "pass"
    for host in (eos, junos):
        failed = results[(host, "enabled interfaces")]
        assert failed.status == "fail" and failed.details["failed_blocks"], failed.details
    assert (ios, "lldp") not in statuses and (eos, "ssh v2") not in statuses  # scoped by platform
    run = await sync_to_async(ComplianceRun.objects.get)(job=job)
    assert run.score is not None and 0 < run.score < 100
    assert run.device_scores[str(world.devices[ios].pk)] == 80.0  # 4 of 5, the waiver not counted
    rows = await sync_to_async(list)(
        JobDeviceResult.objects.filter(job=job).values_list("data", flat=True)
    )
    assert all(d["source"].startswith("snapshot") for d in rows)

    fresh = await _run(world, "compliance.check", {"fresh": True})
    rows = await sync_to_async(list)(
        JobDeviceResult.objects.filter(job=fresh).values_list("data", flat=True)
    )
    assert fresh.status == "success" and {d["source"] for d in rows} == {"running"}

    @sync_to_async
    def fix_lines() -> list[str]:
        run = ComplianceRun.objects.get(job=job)
        failing = ComplianceResult.objects.filter(
            run=run, device=world.devices[ios]
        ).select_related("rule")
        return remediation_lines(world.devices[ios], failing)

    assert await fix_lines() == ["logging buffered 32768"]


async def test_an_unreachable_device_is_evaluated_on_its_stored_snapshot(start_lab) -> None:
    """Policies come from prepare; no session is opened when a snapshot is there to check."""
    world = await start_lab(platforms=["cisco_ios"], count=1)
    assert (await _run(world, "config.backup")).status == "success"
    await _setup(world)
    r1 = world.devices["R1"]
    await sync_to_async(type(r1).objects.filter(pk=r1.pk).update)(
        management_host="127.0.0.1", port=1
    )
    job = await _run(world, "compliance.check")
    result = await sync_to_async(JobDeviceResult.objects.get)(job=job)
    assert job.status == "success" and result.data["source"].startswith("snapshot")
    statuses = {key: r.status for key, r in (await _results(job)).items()}
    assert statuses[("R1", "ssh v2")] == "pass"
    fresh = await _run(world, "compliance.check", {"fresh": True})
    result = await sync_to_async(JobDeviceResult.objects.get)(job=fresh)
    assert fresh.status == "failed" and result.error_code in ("connection_refused", "unreachable")
