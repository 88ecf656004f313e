"""Storing a flush of backup results: the same few queries for 3 devices as for 30, and the
same snapshots, states and drift marks as one device at a time would give."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from webnet.config_mgmt import drift
from webnet.config_mgmt.models import BackupState, ConfigSnapshot, ExpectedConfig
from webnet.config_mgmt.snapshots import record_backup, sanitized_hash
from webnet.devices.models import Device, SSHHostKey
from webnet.drivers import HostKey
from webnet.jobs import outcomes, registry
from webnet.jobs.connection import device_target
from webnet.jobs.models import Job
from webnet.jobs.plan import JobPlan
from webnet.jobs.registry import DeviceOutcome
from webnet.jobs.services import JobService
from webnet.jobs.writer import JobWriter, PendingResult
from webnet.tests import factories as f

OLD = "hostname r\ninterface Gi0/1\n description old\n!\nend\n"
NEW = "hostname r\ninterface Gi0/1\n description new\n!\nend\n"


def _config(device: Device, text: str) -> dict:
    return {"config": text, "sha256": sanitized_hash(device.platform, text), "lines": 5}


def _history(devices: list[Device]) -> None:
    """Device i%5: 0 never backed up, 1 unchanged, 2 changed by hand, 3 changed by a deploy
    (announced), 4 fails to back up."""
    for i, device in enumerate(devices):
        if i % 5 in (1, 2, 3):
            record_backup(device, OLD)
        if i % 5 == 3:
            drift.mark_expected(device, sanitized_hash(device.platform, NEW), f"plan-{i}")


def _flush(job: Job, devices: list[Device]) -> int:
    """Queries to store one flush of results of `devices` (see _history), with learned keys."""
    plan = JobPlan(job=job, kind=registry.get(job.kind), devices=[])
    results = []
    for i, device in enumerate(devices):
        text = OLD if i % 5 == 1 else NEW
        outcome = (
            DeviceOutcome.failure("timeout", "no prompt")
            if i % 5 == 4
            else DeviceOutcome(data=_config(device, text), seen=True)
        )
        status = "failed" if i % 5 == 4 else "success"
        results.append(
            PendingResult(
                device_target(device),
                device.pk,
                device.hostname,
                status,
                outcome,
                None,
                job.created_at,
            )
        )
    keys = [
        (d.pk, HostKey(f"ssh-ed25519 AAAA{d.pk}", "ssh-ed25519", f"SHA256:{d.pk}")) for d in devices
    ]
    with CaptureQueriesContext(connection) as queries:
        JobWriter(plan)._store([], results, keys)
    return len(queries)


@pytest.mark.django_db
def test_a_flush_of_backups_costs_the_same_queries_at_any_size(monkeypatch) -> None:
    # given 5 and 30 devices with every kind of backup history; without the alarm listener,
    # whose cost grows with the alarms a flush raises (a failed backup, drift), not the devices
    monkeypatch.delitem(outcomes._result_listeners, "alarms.job_events")
    customer = f.CustomerFactory()
    user = f.MembershipFactory(customer=customer, role="operator").user
    credential = f.CredentialFactory(customer=customer)
    devices = [f.DeviceFactory(customer=customer, credential=credential) for _ in range(35)]
    _history(devices[:5])
    _history(devices[5:])
    job = JobService.create_job(user, customer, "config.backup", {"all": True}, {}, submit=False)
    # when one flush of their results is stored for each
    small, large = _flush(job, devices[:5]), _flush(job, devices[5:])
    # then the number of queries does not grow with the devices
    # (22 for the backups, 3 for the sign-of-life listener: monitoring.liveness.mark_seen)
    assert small == large <= 25, (small, large)
    # and each device ends as a one-at-a-time backup would leave it
    for i, device in enumerate(devices[5:]):
        snapshots = list(ConfigSnapshot.objects.filter(device=device).order_by("id"))
        state = BackupState.objects.get(device=device)
        kinds = [s.change_kind for s in snapshots]
        expected = [["initial"], ["initial"], ["initial", "out_of_band"], ["initial", "deploy"], []]
        assert kinds == expected[i % 5], (i, kinds)
        device.refresh_from_db()
        if i % 5 == 4:
            assert state.last_error_code == "timeout" and state.latest_id is None
            assert device.last_backup_at is None
            continue
        assert state.latest_id == snapshots[-1].pk and state.last_success_at
        assert device.last_backup_at == state.last_success_at
        assert snapshots[-1].last_verified_at == state.last_success_at
        if i % 5 == 1:  # unchanged: verified, nothing stored
            assert state.verified_unchanged_at == state.last_success_at
        else:
            assert state.verified_unchanged_at is None and snapshots[-1].job_id == job.pk
        if i % 5 == 3:
            assert snapshots[-1].plan_id == f"plan-{i}"
    assert not ExpectedConfig.objects.filter(consumed_at=None).exists()  # every mark consumed
    assert SSHHostKey.objects.filter(device__in=devices).count() == len(devices)
