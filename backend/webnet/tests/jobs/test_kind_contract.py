"""The kind contract (DESIGN §4): no handler touches the database — every kind, against the lab.

Each kind runs a real job with the database blocked for its handler: run_db refuses inside a
handler, and so does any cursor opened from the handler's context (e.g. through to_thread).
A kind registered without a recipe here fails the test, so new kinds are covered too.
"""

from collections.abc import Callable
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.db.backends import utils as db_utils

from webnet.compliance import services as compliance_services
from webnet.compliance.policy_yaml import load as load_policy
from webnet.config_mgmt import deploy
from webnet.config_mgmt.plans import ChangePlan
from webnet.jobs import dbthread, executors, registry
from webnet.jobs.models import Job, JobDeviceResult
from webnet.jobs.registry import DeviceOutcome, Kind
from webnet.jobs.runner import run_job
from webnet.jobs.services import JobService
from webnet.networkops import discovery, scan
from webnet.subscribers import provisioning
from webnet.tests import factories as f

POLICY = """\
name: ssh
rules:
  - name: ssh v2
    kind: must_contain
    parameters: {lines: [ip ssh version 2]}
"""


def _job(world: Any, kind: str, params: dict[str, Any] | None = None) -> list[int]:
    job = JobService.create_job(
        world.operator, world.customer, kind, {"all": True}, params or {}, submit=False
    )
    return [job.pk]


def _compliance(world: Any) -> list[int]:
    compliance_services.save_policy(world.operator, world.customer, load_policy(POLICY))
    return _job(world, "compliance.check")


def _preview(world: Any) -> ChangePlan:
    return deploy.preview_change(
        world.operator, world.customer, {"all": True}, lines=["snmp-server location contract"]
    )


def _scan(world: Any) -> list[int]:
    admin = f.MembershipFactory(customer=world.customer, role="admin").user
    discovery.create_range(
        admin, {"customer": world.customer, "cidr": "127.0.0.1/32", "ports": "1"}
    )
    return [scan.start_scan(admin, world.customer).pk]


def _reconcile(world: Any) -> list[int]:
    service = f.ServiceInstanceFactory(
        subscriber__customer=world.customer, device=next(iter(world.devices.values()))
    )
    provisioning.transition(world.operator, service, "activate")
    return _job(world, "subscribers.reconcile")


SETUP: dict[str, Callable[[Any], list[int]]] = {
    "commands.run": lambda world: _job(world, "commands.run", {"commands": ["show version"]}),
    "config.backup": lambda world: _job(world, "config.backup"),
    "devices.check_reachability": lambda world: _job(world, "devices.check_reachability"),
    "devices.collect_facts": lambda world: _job(world, "devices.collect_facts"),
    "topology.discover": lambda world: _job(world, "topology.discover"),
    "compliance.check": _compliance,
    "config.preview": lambda world: [_preview(world).preview_job_id],
    "config.deploy": lambda world: [],  # started below, from a previewed and confirmed plan
    "onboarding.scan": _scan,
    "subscribers.reconcile": _reconcile,
}


@pytest.fixture
def database_blocked_in_handlers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any SQL from a handler's context fails, wherever it runs."""
    for name in ("execute", "executemany"):
        original = getattr(db_utils.CursorWrapper, name)

        def guarded(self, *args, _original=original, **kwargs):  # type: ignore[no-untyped-def]
            if dbthread.in_handler():
                raise dbthread.HandlerTouchedDatabase("SQL from a kind's handler")
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(db_utils.CursorWrapper, name, guarded)


async def _results(job_ids: list[int]) -> list[dict[str, Any]]:
    return await sync_to_async(list)(
        JobDeviceResult.objects.filter(job_id__in=job_ids).values("error_code", "error_message")
    )


@pytest.mark.parametrize("kind", [kind.name for kind in registry.all_kinds()])
async def test_no_handler_touches_the_database(
    start_lab, monkeypatch, database_blocked_in_handlers, kind: str
) -> None:
    monkeypatch.setattr(executors, "submit", lambda job_id: None)
    world = await start_lab(platforms=["cisco_ios"], count=1)
    await sync_to_async(lambda: _job(world, "config.backup"))()  # a snapshot for compliance
    await run_job((await sync_to_async(Job.objects.latest)("pk")).pk)
    job_ids = await sync_to_async(SETUP[kind])(world)
    if kind == "config.deploy":
        plan = await sync_to_async(_preview)(world)
        await run_job(plan.preview_job_id)
        digest = await sync_to_async(deploy.current_hash)(plan)
        await sync_to_async(deploy.confirm_plan)(world.operator, plan, digest)
        plan = await sync_to_async(deploy.commit_plan)(world.operator, plan)
        job_ids = [plan.commit_job_id]
    for job_id in job_ids:
        await run_job(job_id)
    jobs = await sync_to_async(list)(Job.objects.filter(pk__in=job_ids))
    assert jobs and all(job.kind == kind for job in jobs)
    assert all(job.status == "success" for job in jobs), await _results(job_ids)


async def _touches_db(ctx: Any) -> DeviceOutcome:
    await dbthread.run_db(Job.objects.count)
    return DeviceOutcome()


async def test_a_handler_that_asks_for_the_database_fails_its_device(
    start_lab, monkeypatch
) -> None:
    """The guard itself: a handler bug is a failed device with a clear reason."""
    monkeypatch.setattr(executors, "submit", lambda job_id: None)
    bad = Kind(name="tests.touches_db", label="bad", handler=_touches_db, needs_session=False)
    monkeypatch.setitem(registry._KINDS, bad.name, bad)
    world = await start_lab(platforms=["cisco_ios"], count=1)
    job_ids = await sync_to_async(lambda: _job(world, bad.name))()
    await run_job(job_ids[0])
    (result,) = await _results(job_ids)
    assert result["error_code"] == "internal_error"
    assert "HandlerTouchedDatabase" in result["error_message"]
