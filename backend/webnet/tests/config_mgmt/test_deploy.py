"""Safe deploy against the lab: preview → confirm → commit → verify, refusals and rollbacks."""

import asyncio

import pytest
from asgiref.sync import sync_to_async
from django.core.exceptions import PermissionDenied, ValidationError

from webnet.config_mgmt import changeset, deploy
from webnet.config_mgmt.models import ChangeKind, ConfigSnapshot
from webnet.config_mgmt.outcomes import ROLLBACK_FAILED
from webnet.config_mgmt.plans import ChangePlan, PlanDevice
from webnet.config_mgmt.sanitize import sanitize
from webnet.core import crypto
from webnet.core.models import AuditEvent
from webnet.jobs import executors
from webnet.jobs.models import Job
from webnet.jobs.runner import run_job
from webnet.tests import factories as f

LOCATION = {
    "juniper_junos": ['set system location building "deployed"'],
    "arista_eos": ["snmp-server location deployed"],
    "cisco_ios": ["snmp-server location deployed"],
}


@pytest.fixture
def submitted(monkeypatch) -> list[int]:
    """Jobs are run by the test itself, in order, on its own loop."""
    jobs: list[int] = []
    monkeypatch.setattr(executors, "submit", jobs.append)
    return jobs


async def _run_submitted(submitted: list[int]) -> None:
    while submitted:
        await run_job(submitted.pop(0))


async def _previewed(world, submitted, lines=None, **kwargs) -> ChangePlan:  # type: ignore[no-untyped-def]
    plan = await sync_to_async(deploy.preview_change)(
        world.operator, world.customer, kwargs.pop("targets", {"all": True}), lines=lines, **kwargs
    )
    await _run_submitted(submitted)
    return await sync_to_async(ChangePlan.objects.select_related("preview_job").get)(pk=plan.pk)


async def _deploy(world, submitted, plan) -> Job:  # type: ignore[no-untyped-def]
    digest = await sync_to_async(deploy.current_hash)(plan)
    await sync_to_async(deploy.confirm_plan)(world.operator, plan, digest)
    plan = await sync_to_async(deploy.commit_plan)(world.operator, plan)
    await _run_submitted(submitted)
    return await sync_to_async(Job.objects.get)(pk=plan.commit_job_id)


@sync_to_async
def _rows(plan) -> dict[str, PlanDevice]:  # type: ignore[no-untyped-def]
    return {
        row.device.hostname: row
        for row in PlanDevice.objects.filter(plan=plan).select_related("device")
    }


@pytest.mark.parametrize("platform", ["cisco_ios", "arista_eos", "juniper_junos"])
async def test_preview_confirm_commit_verify(start_lab, submitted, platform) -> None:
    world = await start_lab(platforms=[platform], count=2)
    plan = await _previewed(world, submitted, LOCATION[platform])
    rows = await _rows(plan)
    assert {row.status for row in rows.values()} == {"ready"}
    assert "deployed" in rows["R1"].diff and rows["R1"].pre_hash
    job = await _deploy(world, submitted, plan)
    assert job.status == "success", await sync_to_async(list)(job.results.values())
    assert "deployed" in await world.running("R1")
    rows = await _rows(plan)
    assert {row.status for row in rows.values()} == {"deployed"}
    after = await sync_to_async(ConfigSnapshot.objects.filter(device__hostname="R1").first)()
    assert after.change_kind == ChangeKind.DEPLOY  # drift: made by this plan, not by hand
    actions = await sync_to_async(list)(
        AuditEvent.objects.filter(object_type="config_mgmt.changeplan").values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == ["commit", "confirm", "preview"]


async def test_commit_refuses_when_the_device_changed_since_preview(start_lab, submitted) -> None:
    world = await start_lab(platforms=["cisco_ios"], count=1)
    plan = await _previewed(world, submitted, ["snmp-server location planned"])
    await world.by_hand("R1", ["snmp-server contact changed-by-hand"])
    job = await _deploy(world, submitted, plan)
    result = await sync_to_async(job.results.get)()
    assert job.status == "failed" and result.error_code == "pre_state_changed"
    assert "planned" not in await world.running("R1")


async def test_confirm_binds_to_the_shown_hash(start_lab, submitted) -> None:
    world = await start_lab(platforms=["cisco_ios"], count=1)
    plan = await _previewed(world, submitted, ["snmp-server location x"])
    with pytest.raises(ValidationError):
        await sync_to_async(deploy.confirm_plan)(world.operator, plan, "0" * 64)
    with pytest.raises(ValidationError):
        await sync_to_async(deploy.commit_plan)(world.operator, plan)  # not confirmed
    digest = await sync_to_async(deploy.current_hash)(plan)
    await sync_to_async(deploy.confirm_plan)(world.operator, plan, digest)
    await sync_to_async(PlanDevice.objects.filter(plan=plan).update)(
        commands=["snmp-server location tampered"]
    )
    with pytest.raises(ValidationError):
        await sync_to_async(deploy.commit_plan)(world.operator, plan)


async def test_a_deploy_refuses_plan_rows_changed_after_commit(start_lab, submitted) -> None:
    """The deploy job reads its rows from the plan and re-checks the confirmed hash itself."""
    world = await start_lab(platforms=["cisco_ios"], count=1)
    plan = await _previewed(world, submitted, ["snmp-server location confirmed"])
    digest = await sync_to_async(deploy.current_hash)(plan)
    await sync_to_async(deploy.confirm_plan)(world.operator, plan, digest)
    plan = await sync_to_async(deploy.commit_plan)(world.operator, plan)
    await sync_to_async(PlanDevice.objects.filter(plan=plan).update)(
        commands=["snmp-server location tampered"]
    )
    await _run_submitted(submitted)
    job = await sync_to_async(Job.objects.get)(pk=plan.commit_job_id)
    result = await sync_to_async(job.results.get)()
    assert job.status == "failed" and result.error_code == "plan_changed"
    running = await world.running("R1")
    assert "tampered" not in running and "confirmed" not in running


async def test_deploy_jobs_carry_no_configuration_text(start_lab, submitted) -> None:
    """A rollback's snapshot text and a deploy's commands stay in the plan (masked for
    non-admins there), never in the params every viewer of the job can read."""
    world = await start_lab(platforms=["cisco_ios"], count=1)
    first = await _previewed(world, submitted, ["snmp-server location one"])
    await _deploy(world, submitted, first)
    snapshot = await sync_to_async(
        ConfigSnapshot.objects.filter(device__hostname="R1").order_by("created_at").first
    )()
    plan = await sync_to_async(deploy.rollback_to_snapshot)(
        world.operator, world.devices["R1"], snapshot
    )
    preview_job = await sync_to_async(Job.objects.get)(pk=plan.preview_job_id)
    assert preview_job.params == {"plan": plan.pk}
    await _run_submitted(submitted)
    committed = await _deploy(world, submitted, plan)
    assert set(committed.params) == {"plan", "order", "canary"}


async def test_rejected_line_rolls_back_automatically(start_lab, submitted) -> None:
    world = await start_lab(platforms=["cisco_ios"], count=1)
    before = await world.running("R1")
    plan = await _previewed(world, submitted, ["snmp-server location half", "bogus-keyword 1"])
    job = await _deploy(world, submitted, plan)
    result = await sync_to_async(job.results.get)()
    assert result.error_code == "command_rejected"
    assert (await _rows(plan))["R1"].status == "rolled_back"
    after = await world.running("R1")
    assert "location half" not in after and after.count("\n") == before.count("\n")


async def test_canary_failure_stops_the_rest(start_lab, submitted) -> None:
    world = await start_lab(platforms=["cisco_ios"], count=3, faults=["R1=hang_after_command"])
    plan = await _previewed(
        world,
        submitted,
        ["snmp-server location canary"],
        targets={"devices": [world.devices[h].pk for h in ("R2", "R3")]},
        canary=1,
    )
    # R2 (first in order) fails by a hand change after preview; R3 must not be touched.
    await world.by_hand("R2", ["snmp-server contact moved"])
    job = await _deploy(world, submitted, plan)
    rows = await _rows(plan)
    assert job.status == "failed"
    assert (rows["R2"].status, rows["R3"].status) == ("failed", "skipped")
    assert "canary" not in await world.running("R3")


async def test_rollback_to_snapshot_is_a_plan(start_lab, submitted) -> None:
    world = await start_lab(platforms=["cisco_ios"], count=1)
    first = await _previewed(world, submitted, ["snmp-server location one"])
    await _deploy(world, submitted, first)
    snapshot = await sync_to_async(
        ConfigSnapshot.objects.filter(device__hostname="R1").order_by("created_at").first
    )()
    second = await _previewed(world, submitted, ["snmp-server location two"])
    await _deploy(world, submitted, second)
    device = world.devices["R1"]
    plan = await sync_to_async(deploy.rollback_to_snapshot)(world.operator, device, snapshot)
    await _run_submitted(submitted)
    rows = await _rows(plan)
    assert rows["R1"].status == "ready" and "location two" in rows["R1"].diff
    await _deploy(world, submitted, plan)
    running = await world.running("R1")
    assert "location two" not in running and "location one" not in running


async def test_viewer_cannot_deploy(start_lab, submitted) -> None:
    world = await start_lab(platforms=["cisco_ios"], count=1)
    viewer = await sync_to_async(
        lambda: f.MembershipFactory(customer=world.customer, role="viewer").user
    )()
    with pytest.raises(PermissionDenied):
        await sync_to_async(deploy.preview_change)(
            viewer, world.customer, {"all": True}, lines=["snmp-server location x"]
        )
    plan = await _previewed(world, submitted, ["snmp-server location x"])
    digest = await sync_to_async(deploy.current_hash)(plan)
    with pytest.raises(PermissionDenied):
        await sync_to_async(deploy.confirm_plan)(viewer, plan, digest)
    assert asyncio.iscoroutinefunction(run_job)


async def test_the_api_walks_the_same_steps(start_lab, submitted) -> None:
    from rest_framework.test import APIClient

    world = await start_lab(platforms=["arista_eos"], count=1)

    def client(user):  # type: ignore[no-untyped-def]
        api = APIClient()
        api.force_authenticate(user)
        return api

    operator = client(world.operator)
    response = await sync_to_async(operator.post)(
        "/api/v1/change-plans/",
        {"targets": {"all": True}, "lines": ["snmp-server location api"]},
        format="json",
    )
    assert response.status_code == 202, response.content
    plan_id = response.json()["id"]
    await _run_submitted(submitted)
    plan = (await sync_to_async(operator.get)(f"/api/v1/change-plans/{plan_id}/")).json()
    assert plan["devices"][0]["status"] == "ready" and "location api" in plan["devices"][0]["diff"]
    wrong = await sync_to_async(operator.post)(
        f"/api/v1/change-plans/{plan_id}/confirm/", {"content_hash": "nope"}, format="json"
    )
    assert wrong.status_code == 400 and "content_hash" in wrong.json()
    outsider = await sync_to_async(lambda: f.MembershipFactory(role="admin").user)()
    assert (
        await sync_to_async(client(outsider).get)(f"/api/v1/change-plans/{plan_id}/")
    ).status_code == 404
    viewer = await sync_to_async(
        lambda: f.MembershipFactory(customer=world.customer, role="viewer").user
    )()
    denied = await sync_to_async(client(viewer).post)(
        f"/api/v1/change-plans/{plan_id}/confirm/",
        {"content_hash": plan["content_hash"]},
        format="json",
    )
    assert denied.status_code == 403
    ok = await sync_to_async(operator.post)(
        f"/api/v1/change-plans/{plan_id}/confirm/",
        {"content_hash": plan["content_hash"]},
        format="json",
    )
    assert ok.status_code == 200 and ok.json()["status"] == "confirmed"
    committed = await sync_to_async(operator.post)(f"/api/v1/change-plans/{plan_id}/commit/")
    assert committed.status_code == 202
    await _run_submitted(submitted)
    assert "location api" in await world.running("R1")


async def test_a_deploy_job_that_ends_early_closes_its_plan(start_lab, submitted) -> None:
    from webnet.jobs.services import JobService

    world = await start_lab(platforms=["cisco_ios"], count=1)
    plan = await _previewed(world, submitted, ["snmp-server location never"])
    digest = await sync_to_async(deploy.current_hash)(plan)
    await sync_to_async(deploy.confirm_plan)(world.operator, plan, digest)
    plan = await sync_to_async(deploy.commit_plan)(world.operator, plan)
    job = await sync_to_async(Job.objects.get)(pk=plan.commit_job_id)
    await sync_to_async(JobService.cancel)(world.operator, job)  # still queued: never runs
    submitted.clear()
    plan = await sync_to_async(ChangePlan.objects.get)(pk=plan.pk)
    row = (await _rows(plan))["R1"]
    assert plan.status == "done" and row.status == "failed" and "cancelled" in row.message
    assert "never" not in await world.running("R1")


async def test_a_canary_that_cannot_log_in_stops_the_rest(start_lab, submitted) -> None:
    world = await start_lab(platforms=["cisco_ios"], count=2)
    plan = await _previewed(world, submitted, ["snmp-server location canary"], canary=1)
    await sync_to_async(world.credential.__class__.objects.filter(pk=world.credential.pk).update)(
        password_encrypted=crypto.encrypt("wrong-password")
    )
    job = await asyncio.wait_for(_deploy(world, submitted, plan), timeout=30)
    rows = await _rows(plan)
    assert job.status == "failed"
    assert (rows["R1"].status, rows["R2"].status) == ("failed", "skipped")


# ---- rollback on all six lab platforms: the device ends exactly as it was -----------------------
PLATFORMS = ["cisco_ios", "cisco_iosxe", "cisco_nxos", "cisco_iosxr", "arista_eos", "juniper_junos"]
LOOPBACK = {"cisco_nxos": "loopback233"}  # what the OS stores for `interface lo233`


def _change(platform: str, tag: str, number: int) -> list[str]:
    if platform == "juniper_junos":
        return [f'set interfaces lo0 unit {number} description "{tag}"']
    return [f"interface lo{number}", f" description {tag}"]


async def _sanitized(world, platform: str) -> str:  # type: ignore[no-untyped-def]
    return sanitize(platform, await world.running("R1"))


@pytest.mark.parametrize("platform", PLATFORMS)
async def test_rollback_restores_the_pre_state(start_lab, submitted, monkeypatch, platform) -> None:
    world = await start_lab(platforms=[platform], count=1)
    good = await _previewed(world, submitted, _change(platform, "good", 233))
    if platform != "juniper_junos":  # the preview shows the name the device will store
        name = LOOPBACK.get(platform, "Loopback233")
        assert (await _rows(good))["R1"].commands[0] == f"interface {name}"
    job = await _deploy(world, submitted, good)
    assert job.status == "success", await sync_to_async(list)(job.results.values())
    pre = await _sanitized(world, platform)
    assert "good" in pre

    aborted = await _previewed(
        world, submitted, [*_change(platform, "half", 234), "bogus-keyword 1"]
    )
    await _deploy(world, submitted, aborted)
    assert (await _rows(aborted))["R1"].status == "rolled_back"
    assert await _sanitized(world, platform) == pre  # the good commit is still there

    unverified = await _previewed(world, submitted, _change(platform, "verify", 235))
    monkeypatch.setattr(changeset, "missing_after", lambda *args: ["forced by the test"])
    job = await _deploy(world, submitted, unverified)
    result = await sync_to_async(job.results.get)()
    assert result.error_code == "verify_failed"
    assert (await _rows(unverified))["R1"].status == "rolled_back"
    assert await _sanitized(world, platform) == pre


@pytest.mark.parametrize("platform", ["cisco_iosxr", "juniper_junos"])
async def test_a_rejected_rollback_says_the_device_needs_attention(
    start_lab, submitted, monkeypatch, platform
) -> None:
    world = await start_lab(platforms=[platform], count=1)
    plan = await _previewed(world, submitted, _change(platform, "stuck", 236))
    monkeypatch.setattr(changeset, "missing_after", lambda *args: ["forced by the test"])
    monkeypatch.setattr(changeset, "remediation", lambda *args: ["bogus-keyword 2"])
    monkeypatch.setattr(changeset, "same_config", lambda *args: False)
    job = await _deploy(world, submitted, plan)
    result = await sync_to_async(job.results.get)()
    row = (await _rows(plan))["R1"]
    assert result.error_code == "rollback_failed" and row.status == "rollback_failed"
    assert "rollback failed, device needs attention" in row.message
    assert await sync_to_async(
        AuditEvent.objects.filter(action=ROLLBACK_FAILED, customer_id=world.customer.pk).exists
    )()


@pytest.mark.parametrize("platform", ["cisco_ios", "cisco_nxos", "arista_eos"])
async def test_an_acl_with_a_repeated_remark_previews_and_deploys(
    start_lab, submitted, platform
) -> None:
    world = await start_lab(platforms=[platform], count=1)
    acl = ["ip access-list WEB" if platform != "cisco_ios" else "ip access-list extended WEB"]
    acl += [" remark allow web", " permit tcp any any eq 80", " remark allow web"]
    await world.by_hand("R1", [*acl, " permit tcp any any eq 443"])
    assert (await world.running("R1")).count("remark allow web") == 2
    plan = await _previewed(world, submitted, [acl[0], " remark allow web", " permit udp any any"])
    row = (await _rows(plan))["R1"]
    assert row.status == "ready", row.message
    changed = [
        line
        for line in row.diff.splitlines()
        if line[:1] in "+-" and line[:3] not in ("+++", "---")
    ]
    assert changed == ["+ remark allow web", "+ permit udp any any"]  # appended, nothing removed
    job = await _deploy(world, submitted, plan)
    assert job.status == "success", await sync_to_async(list)(job.results.values())
    assert (await world.running("R1")).count("remark allow web") == 3


async def test_a_junos_compliance_fix_removes_the_whole_community(start_lab, submitted) -> None:
    from webnet.compliance.evaluator import RuleSpec
    from webnet.compliance.remediation import remediate

    world = await start_lab(platforms=["juniper_junos"], count=1)
    await world.by_hand("R1", ["set snmp community public authorization read-only"])
    rule = RuleSpec(
        "no public", "must_not_contain", {"lines": [r"set snmp community public.*"], "regex": True}
    )
    fix = remediate(await world.running("R1"), "juniper_junos", [rule])
    job = await _deploy(world, submitted, await _previewed(world, submitted, fix))
    assert job.status == "success", await sync_to_async(list)(job.results.values())
    assert "community" not in await world.running("R1")
