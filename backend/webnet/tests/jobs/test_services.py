"""JobService: gate-resolved targets, gap-free scrubbed logs, lifecycle, cancel and re-run."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from webnet.core.models import AuditEvent
from webnet.core.scrub import REDACTED, Scrubber
from webnet.jobs.models import Job, JobDeviceResult, JobLog, JobStatus
from webnet.jobs.services import JobService, LogEntry
from webnet.tests import factories as f
from webnet.tests.conftest import CANARY, World

SHOW = {"commands": ["show version"]}


def _job(world: World, **targets) -> Job:
    return JobService.create_job(
        world.operator, world.a, "commands.run", targets or {"all": True}, SHOW, submit=False
    )


def test_targets_resolve_union_of_devices_tags_groups_and_filter(world: World) -> None:
    core = f.TagFactory(customer=world.a, name="core")
    d1 = f.DeviceFactory(customer=world.a, tags=[core])
    d2 = f.DeviceFactory(customer=world.a, platform="arista_eos")
    d3 = f.DeviceFactory(customer=world.a)
    d4 = f.DeviceFactory(customer=world.a, enabled=False, tags=[core])
    group = f.DeviceGroupFactory(customer=world.a, devices=[d3])
    f.DeviceFactory(customer=world.a)  # not targeted
    job = _job(world, tags=["core"], groups=[group.pk], filter={"platform": ["arista_eos"]})
    assert job.device_ids == sorted([d1.pk, d2.pk, d3.pk]) and job.total == 3
    assert d4.pk not in job.device_ids  # disabled devices are never targeted
    assert AuditEvent.objects.filter(action="create", object_type="jobs.job").count() == 1


def test_other_customers_devices_are_never_targets(world: World) -> None:
    foreign = f.DeviceFactory(customer=world.b)
    foreign_tag = f.TagFactory(customer=world.b, name="core")
    f.DeviceFactory(customer=world.b, tags=[foreign_tag])
    with pytest.raises(ValidationError):
        _job(world, devices=[foreign.pk], tags=["core"])


def test_viewer_cannot_start_jobs_and_outsider_not_in_a(world: World) -> None:
    f.DeviceFactory(customer=world.a)
    for user in (world.viewer, world.outsider):
        with pytest.raises(PermissionDenied):
            JobService.create_job(user, world.a, "commands.run", {"all": True}, SHOW, submit=False)


@pytest.mark.parametrize(
    ("kind", "targets", "params"),
    [
        ("nonsense", {"all": True}, {}),
        ("commands.run", {"all": True}, {}),
        ("commands.run", {"all": True}, {"commands": ["configure terminal"]}),
        ("commands.run", {"all": True}, {"commands": ["show version"], "concurrency": 0}),
        ("commands.run", {"devices": "1"}, SHOW),
        ("commands.run", {"colour": 1}, SHOW),
        ("commands.run", {}, SHOW),
        ("config.backup", {"all": True}, {"unexpected": 1}),
    ],
)
def test_bad_job_input_is_a_validation_error(world: World, kind, targets, params) -> None:
    f.DeviceFactory(customer=world.a)
    with pytest.raises(ValidationError):
        JobService.create_job(world.operator, world.a, kind, targets, params, submit=False)


def test_append_log_is_gap_free_and_scrubbed(world: World) -> None:
    f.DeviceFactory(customer=world.a)
    job = _job(world)
    scrub = Scrubber([CANARY])
    JobService.append_log(job, [LogEntry(f"line {i}") for i in range(3)], scrub)
    JobService.append_log(job, [LogEntry(f"password is {CANARY}", extra={"raw": CANARY})], scrub)
    rows = list(JobLog.objects.filter(job=job).order_by("seq"))
    assert [r.seq for r in rows] == [1, 2, 3, 4]
    assert rows[-1].message == f"password is {REDACTED}" and rows[-1].extra == {"raw": REDACTED}
    assert Job.objects.get(pk=job.pk).log_seq == 4


def test_cancel_queued_job_ends_it_and_is_audited(world: World) -> None:
    f.DeviceFactory(customer=world.a)
    job = _job(world)
    with pytest.raises(PermissionDenied):
        JobService.cancel(world.viewer, job)
    JobService.cancel(world.operator, job)
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED and job.cancelled == 1 and job.finished_at
    assert AuditEvent.objects.filter(action="cancel").count() == 1
    with pytest.raises(ValidationError):
        JobService.cancel(world.operator, job)


def test_rerun_failed_only(world: World) -> None:
    ok, bad, never = (f.DeviceFactory(customer=world.a) for _ in range(3))
    job = _job(world)
    for device, status in ((ok, "success"), (bad, "failed")):
        JobDeviceResult.objects.create(
            customer=world.a, job=job, device=device, hostname=device.hostname, status=status
        )
    again = JobService.rerun(world.operator, job, failed_only=True)
    assert again.device_ids == sorted([bad.pk, never.pk]) and again.rerun_of == job
    assert JobService.rerun(world.operator, job).device_ids == job.device_ids


def test_set_status_stamps_times(world: World) -> None:
    f.DeviceFactory(customer=world.a)
    job = _job(world)
    JobService.set_status(
        job, JobStatus.RUNNING, lease_expires_at=timezone.now() + timedelta(seconds=60)
    )
    assert job.started_at and not job.finished_at
    JobService.set_status(job, JobStatus.SUCCESS)
    job.refresh_from_db()
    assert job.finished_at and job.lease_expires_at is None
