"""Booked change plans: the tick starts one at its slot's start, never before or after, and
re-checks at the start what a commit checks; a missed slot expires; a booking can be cancelled.

Given a confirmed plan (rows written by hand; the commit job stays queued under `db`), when the
scheduler's tick runs at the times the clock is moved to, then the plan moves as the issue says.
"""

import threading
from datetime import datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from webnet.config_mgmt import booking, deploy
from webnet.config_mgmt.plans import ChangePlan, PlanDevice, PlanStatus, current_hash
from webnet.core.models import AuditEvent
from webnet.jobs import executors, scheduler
from webnet.jobs.models import Job
from webnet.tests import factories
from webnet.tests.conftest import World
from webnet.tests.ui.test_deploy import previewed_plan

HOUR = timedelta(hours=1)


def confirmed(world: World, hostname: str = "r1") -> ChangePlan:
    device = factories.DeviceFactory(customer=world.a, hostname=hostname)
    plan = previewed_plan(world.a, device, world.operator)
    return deploy.confirm_plan(world.operator, plan, current_hash(plan))


def booked(world: World, starts: datetime, hostname: str = "r1") -> ChangePlan:
    plan = confirmed(world, hostname)
    return booking.schedule_plan(world.operator, plan, starts=starts, ends=starts + HOUR)


def tick_at(at: datetime) -> dict[str, int]:
    """The scheduler's one tick at `at`; what it did to booked plans."""
    with time_machine.travel(at, tick=False):
        return scheduler.tick(timezone.now())["periodic"]["config_mgmt.booked"]


def reload(plan: ChangePlan) -> ChangePlan:
    return ChangePlan.objects.get(pk=plan.pk)


def audited(plan: ChangePlan, action: str) -> AuditEvent:
    return AuditEvent.objects.get(action=action, object_id=str(plan.pk))


@pytest.mark.django_db
def test_the_tick_starts_a_booked_plan_at_its_start_not_before(world: World) -> None:
    starts = timezone.now().replace(microsecond=0) + HOUR
    plan = booked(world, starts)
    assert tick_at(starts - timedelta(seconds=30)) == {"started": 0, "expired": 0, "failed": 0}
    assert reload(plan).status == PlanStatus.SCHEDULED and reload(plan).commit_job is None
    with pytest.raises(ValidationError, match="booked into a slot"):
        deploy.commit_plan(world.operator, plan)  # nor by hand before its slot
    assert tick_at(starts + timedelta(seconds=10))["started"] == 1
    plan = reload(plan)
    assert plan.status == PlanStatus.COMMITTING
    assert plan.commit_job.kind == "config.deploy"
    assert plan.commit_job.requested_by == world.operator  # the booker, re-checked at start
    assert audited(plan, "booking_started").changes["job"] == [None, plan.commit_job_id]
    # a second tick in the slot starts nothing more
    assert tick_at(starts + timedelta(seconds=20))["started"] == 0
    assert Job.objects.filter(kind="config.deploy").count() == 1


@pytest.mark.django_db
def test_a_plan_edited_after_booking_is_refused_at_start_and_back_in_draft(world: World) -> None:
    starts = timezone.now() + HOUR
    plan = booked(world, starts)
    PlanDevice.objects.filter(plan=plan).update(commands=["snmp-server location edited"])
    assert tick_at(starts + timedelta(seconds=5))["failed"] == 1
    plan = reload(plan)
    assert plan.status == PlanStatus.PREVIEWED and plan.commit_job is None
    assert plan.scheduled_start is None and "changed since it was submitted" in plan.schedule_reason
    assert "back in draft" in audited(plan, "booking_failed").changes["reason"][1]
    assert audited(plan, "return_to_draft")


@pytest.mark.django_db
def test_a_freeze_declared_after_booking_blocks_the_start_naming_it(world: World) -> None:
    starts = timezone.now() + HOUR
    plan = booked(world, starts)
    freeze = factories.FreezeWindowFactory(
        customer=world.a, name="year end", starts_at=starts - HOUR, ends_at=starts + 2 * HOUR
    )
    assert tick_at(starts + timedelta(seconds=5))["failed"] == 1
    plan = reload(plan)
    assert plan.status == PlanStatus.FAILED and plan.commit_job is None
    assert f"freeze window 'year end' (#{freeze.pk})" in plan.schedule_reason
    assert "year end" in audited(plan, "booking_failed").changes["reason"][1]


@pytest.mark.django_db
def test_a_slot_no_tick_reached_in_time_expires(world: World) -> None:
    starts = timezone.now() + HOUR
    plan = booked(world, starts)
    assert tick_at(starts + 2 * HOUR)["expired"] == 1
    plan = reload(plan)
    assert plan.status == PlanStatus.EXPIRED and plan.commit_job is None
    assert plan.schedule_reason == "The slot closed before it started."
    assert audited(plan, "booking_missed").changes["status"] == ["scheduled", "expired"]
    assert tick_at(starts + 3 * HOUR) == {"started": 0, "expired": 0, "failed": 0}


@pytest.mark.django_db
def test_the_booker_must_still_hold_the_role_at_start(world: World) -> None:
    starts = timezone.now() + HOUR
    plan = booked(world, starts)
    world.operator.memberships.filter(customer=world.a).update(role="viewer")
    assert tick_at(starts + timedelta(seconds=5))["failed"] == 1
    assert reload(plan).status == PlanStatus.FAILED
    assert "does not allow" in reload(plan).schedule_reason


@pytest.mark.django_db
def test_booking_refusals_name_the_field(world: World) -> None:
    plan = confirmed(world)
    now = timezone.now()
    with pytest.raises(ValidationError, match="end after the start"):
        booking.schedule_plan(world.operator, plan, starts=now + HOUR, ends=now)
    with pytest.raises(ValidationError, match="already over"):
        booking.schedule_plan(world.operator, plan, starts=now - 2 * HOUR, ends=now - HOUR)
    with pytest.raises(PermissionDenied):
        booking.schedule_plan(world.viewer, plan, starts=now + HOUR, ends=now + 2 * HOUR)
    factories.FreezeWindowFactory(customer=world.a, name="xmas", starts_at=now, ends_at=now + HOUR)
    with pytest.raises(ValidationError, match="xmas"):
        booking.schedule_plan(world.operator, plan, starts=now, ends=now + HOUR)
    booking.schedule_plan(world.operator, plan, starts=now + HOUR, ends=now + 2 * HOUR)
    with pytest.raises(ValidationError, match="only a confirmed plan"):
        booking.schedule_plan(world.operator, plan, starts=now + HOUR, ends=now + 2 * HOUR)


@pytest.mark.django_db
def test_two_bookings_on_one_device_conflict(world: World) -> None:
    starts = timezone.now() + HOUR
    first = booked(world, starts)
    device = PlanDevice.objects.get(plan=first).device
    second = previewed_plan(world.a, device, world.operator)
    second = deploy.confirm_plan(world.operator, second, current_hash(second))
    with pytest.raises(ValidationError, match=rf"booked change plan 'location' \(#{first.pk}\)"):
        booking.schedule_plan(
            world.operator, second, starts=starts + HOUR / 2, ends=starts + 2 * HOUR
        )


@pytest.mark.django_db
def test_a_cancelled_booking_is_confirmed_again_and_never_started(world: World) -> None:
    starts = timezone.now() + HOUR
    plan = booked(world, starts)
    with pytest.raises(PermissionDenied):
        booking.cancel_booking(world.viewer, plan)
    plan = booking.cancel_booking(world.operator, plan)
    assert plan.status == PlanStatus.CONFIRMED and plan.scheduled_start is None
    slot = audited(plan, "cancel_schedule").changes["slot"][0]
    assert slot == [starts.isoformat(), (starts + HOUR).isoformat()]
    assert tick_at(starts + timedelta(seconds=5))["started"] == 0
    with pytest.raises(ValidationError, match="only a booked plan"):
        booking.cancel_booking(world.operator, plan)


@pytest.mark.django_db(transaction=True)
def test_two_ticks_at_once_start_a_booked_plan_once(world: World, monkeypatch: Any) -> None:
    monkeypatch.setattr(executors, "submit", lambda job_id: None)  # nothing runs the job
    now = timezone.now()
    plan = confirmed(world)
    booking.schedule_plan(world.operator, plan, starts=now - timedelta(minutes=1), ends=now + HOUR)
    barrier = threading.Barrier(2)
    counts: list[dict[str, int]] = []

    def worker() -> None:
        try:
            barrier.wait(timeout=10)
            counts.append(booking.start_due(timezone.now()))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=25)
    assert sorted(c["started"] for c in counts) == [0, 1]
    assert [c["failed"] for c in counts] == [0, 0]  # the loser saw it taken, refused nothing
    assert not AuditEvent.objects.filter(action="booking_failed").exists()
    assert Job.objects.filter(kind="config.deploy").count() == 1
    assert reload(plan).status == PlanStatus.COMMITTING
