"""Schedules fire once per due time, with the owner's permissions; the reaper ends lost jobs."""

from datetime import UTC, datetime, timedelta

from django.utils import timezone

from webnet.core.models import AuditEvent
from webnet.customers.models import Membership
from webnet.jobs import scheduler
from webnet.jobs.models import Job, JobDeviceResult, JobStatus, Schedule
from webnet.jobs.services import JobService, create_schedule
from webnet.tests import factories as f
from webnet.tests.conftest import World

NIGHTLY = {
    "name": "nightly",
    "kind": "config.backup",
    "targets": {"all": True},
    "params": {},
    "cron": "0 2 * * *",
}


def _schedule(world: World) -> Schedule:
    f.DeviceFactory(customer=world.a)
    return create_schedule(world.operator, {**NIGHTLY, "customer": world.a})


def test_next_run_is_computed_from_cron(world: World) -> None:
    schedule = _schedule(world)
    assert schedule.next_run_at.hour == 2 and schedule.next_run_at > timezone.now()
    assert schedule.owner == world.operator


def test_tick_twice_in_the_same_minute_starts_one_job(world: World) -> None:
    schedule = _schedule(world)
    due = schedule.next_run_at + timedelta(seconds=5)
    first = scheduler.tick(due)
    second = scheduler.tick(due + timedelta(seconds=20))
    assert len(first["started"]) == 1 and second["started"] == []
    job = Job.objects.get()
    assert job.schedule == schedule and job.requested_by == world.operator
    schedule.refresh_from_db()
    assert schedule.last_job == job and schedule.next_run_at > due


def test_schedule_runs_with_owner_permissions(world: World) -> None:
    schedule = _schedule(world)
    Membership.objects.filter(user=world.operator).update(role="viewer")
    result = scheduler.tick(schedule.next_run_at + timedelta(seconds=1))
    assert result["started"] == [] and not Job.objects.exists()
    assert AuditEvent.objects.filter(action="schedule_failed").count() == 1


def test_a_schedule_never_starts_a_deploy(world: World) -> None:
    """Stored before kinds had owners (or written to the table): it fails, nothing deploys."""
    schedule = _schedule(world)
    Schedule.objects.filter(pk=schedule.pk).update(
        kind="config.deploy", params={"plan": 1, "changes": {}, "order": [], "canary": 0}
    )
    result = scheduler.tick(schedule.next_run_at + timedelta(seconds=1))
    assert result["started"] == [] and not Job.objects.exists()
    assert AuditEvent.objects.filter(action="schedule_failed").count() == 1


def test_disabled_schedules_do_not_fire(world: World) -> None:
    schedule = _schedule(world)
    Schedule.objects.filter(pk=schedule.pk).update(enabled=False)
    assert scheduler.tick(schedule.next_run_at + timedelta(minutes=1))["started"] == []


def test_reaper_fails_jobs_whose_lease_expired(world: World) -> None:
    done, lost = f.DeviceFactory(customer=world.a), f.DeviceFactory(customer=world.a)
    job = JobService.create_job(
        world.operator, world.a, "config.backup", {"all": True}, {}, submit=False
    )
    JobService.set_status(
        job, JobStatus.RUNNING, lease_expires_at=timezone.now() - timedelta(seconds=1)
    )
    JobDeviceResult.objects.create(
        customer=world.a, job=job, device=done, hostname=done.hostname, status="success"
    )
    assert scheduler.tick()["reaped"] == [job.pk]
    job.refresh_from_db()
    assert job.status == JobStatus.PARTIAL and job.summary["lost"] == 1
    row = JobDeviceResult.objects.get(job=job, device=lost)
    assert row.error_code == "worker_lost" and row.hostname == lost.hostname
    assert scheduler.tick()["reaped"] == []  # and never again


def test_reaper_leaves_live_leases_alone(world: World) -> None:
    f.DeviceFactory(customer=world.a)
    job = JobService.create_job(
        world.operator, world.a, "config.backup", {"all": True}, {}, submit=False
    )
    JobService.set_status(
        job,
        JobStatus.RUNNING,
        lease_expires_at=datetime.now(UTC) + timedelta(minutes=1),
    )
    assert scheduler.tick()["reaped"] == []
