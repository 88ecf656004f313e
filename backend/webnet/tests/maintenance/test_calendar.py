"""The calendar from the database: freeze and conflict gates name what is in the way; a scheduled
change starts through the deploy front door at its window's start and never outside it."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from webnet.config_mgmt import change_gates
from webnet.config_mgmt.plans import ChangePlan, PlanDevice, PlanStatus, content_hash
from webnet.core.models import AuditEvent
from webnet.maintenance import gates, scheduling, tick
from webnet.networkops.models import DeviceParent
from webnet.tests import factories as f

pytestmark = pytest.mark.django_db


def confirmed_plan(user, *devices):
    customer = devices[0].customer
    plan = ChangePlan.objects.create(customer=customer, name="ntp", created_by=user)
    rows = [
        PlanDevice.objects.create(
            customer=customer,
            plan=plan,
            device=d,
            position=i,
            commands=["ntp server 1"],
            status="ready",
        )
        for i, d in enumerate(devices)
    ]
    plan.status, plan.confirmed_hash = PlanStatus.CONFIRMED, content_hash(rows)
    plan.save()
    return plan


@pytest.fixture
def world():
    router = f.DeviceFactory(site="fra1")
    customer = router.customer
    operator = f.MembershipFactory(customer=customer, role="operator").user
    admin = f.MembershipFactory(customer=customer, role="admin").user
    return customer, router, operator, admin


def test_freeze_refuses_naming_it_and_an_admin_may_override_an_overridable_one(world):
    customer, router, operator, admin = world
    now = timezone.now()
    hard = f.FreezeWindowFactory(
        customer=customer, name="Xmas", starts_at=now, ends_at=now + timedelta(days=2)
    )
    plan = confirmed_plan(operator, router)
    found = change_gates.findings(plan, now + timedelta(hours=1), now + timedelta(hours=2))
    assert [(x.gate, x.blocking, x.overridable) for x in found] == [("freeze", True, False)]
    assert f"freeze window 'Xmas' (#{hard.pk})" in found[0].message
    with pytest.raises(ValidationError, match="Xmas"):
        scheduling.check_gates(
            admin, plan, now + timedelta(hours=1), now + timedelta(hours=2), override=True
        )
    # a soft freeze on the router's site: the operator may not override, the admin may (audited)
    hard.delete()
    soft = f.FreezeWindowFactory(
        customer=customer,
        name="soft",
        mode="override",
        site=router.site,
        starts_at=now,
        ends_at=now + timedelta(days=2),
    )
    span = (now + timedelta(hours=1), now + timedelta(hours=2))
    with pytest.raises(PermissionDenied, match="role"):
        scheduling.check_gates(operator, plan, *span, override=True)
    warnings, overridden = scheduling.check_gates(admin, plan, *span, override=True)
    assert warnings == [] and [x.item for x in overridden] == [f"freeze:{soft.pk}"]
    assert AuditEvent.objects.filter(action="override_freeze", actor=admin).count() == 1
    # a freeze on another site leaves the plan alone
    assert (
        change_gates.findings(
            confirmed_plan(operator, f.DeviceFactory(customer=customer, site="ams1")), *span
        )
        == []
    )


def test_conflicts_with_windows_changes_and_neighbours(world):
    customer, router, operator, _ = world
    child = f.DeviceFactory(customer=customer, site="ber1")
    DeviceParent.objects.create(customer=customer, device=child, parent=router)
    now = timezone.now()
    window = f.MaintenanceWindowFactory(
        customer=customer, name="fibre", devices=[router], starts_at=now + timedelta(hours=1)
    )
    first = confirmed_plan(operator, router)
    scheduled, _ = scheduling.schedule_change(operator, first, window, window.starts_at, now=now)
    # a second change on the same router in that hour is refused, naming the first
    span = (window.starts_at, window.ends_at)
    second = confirmed_plan(operator, router)
    found = change_gates.findings(second, *span)
    refusing = [x for x in found if x.blocking]
    assert len(refusing) == 1 and "scheduled change 'ntp'" in refusing[0].message
    # the window itself only warns (a change is the work a window is for)
    assert any("maintenance window 'fibre'" in x.message and not x.blocking for x in found)
    # a change on the child warns about the parent's change
    on_child = change_gates.findings(confirmed_plan(operator, child), *span)
    parents = sorted(x.message.split(" at ")[0] for x in on_child if "parent device" in x.message)
    assert parents == [
        f"overlaps maintenance window 'fibre' (#{window.pk})",
        f"overlaps scheduled change 'ntp' (#{scheduled.pk})",
    ]
    assert not any(x.blocking for x in on_child)
    # a second window on the router refuses (same device), one on the child only warns
    calendar, conflicts = gates.window_conflicts(
        customer.pk, "maintenance:new", [span], {router.pk}
    )
    mine = [(c.reason, c.refuses) for c in conflicts if c.item.key == f"maintenance:{window.pk}"]
    assert mine == [("same_device", True), ("same_site", False)]
    assert any("fibre" in calendar.describe(c) for c in conflicts)


def test_a_scheduled_change_starts_at_its_window_and_never_outside(world):
    customer, router, operator, _ = world
    now = timezone.now()
    window = f.MaintenanceWindowFactory(
        customer=customer,
        devices=[router],
        starts_at=now + timedelta(hours=1),
        rrule="FREQ=DAILY;COUNT=3",
    )
    on_time = confirmed_plan(operator, router)
    late = confirmed_plan(operator, f.DeviceFactory(customer=customer))
    scheduled, _ = scheduling.schedule_change(operator, on_time, window, window.starts_at, now=now)
    with pytest.raises(ValidationError, match="no occurrence"):
        scheduling.schedule_change(
            operator, late, window, window.starts_at + timedelta(minutes=1), now=now
        )
    next_day = window.starts_at + timedelta(days=1)
    missed, _ = scheduling.schedule_change(operator, late, window, next_day, now=now)
    # before the start nothing happens
    assert tick.tick(now + timedelta(minutes=59))["started"] == 0
    # at the start the plan is committed through the front door: a deploy job exists
    with time_machine.travel(window.starts_at + timedelta(seconds=30), tick=False):
        assert tick.tick(timezone.now())["started"] == 1
    scheduled.refresh_from_db()
    on_time.refresh_from_db()
    assert scheduled.status == "started" and on_time.status == PlanStatus.COMMITTING
    assert scheduled.job_id == on_time.commit_job_id and scheduled.job.kind == "config.deploy"
    # a tick that only runs after the next occurrence closed does not start it: missed
    assert tick.tick(next_day + timedelta(hours=1))["missed"] == 1
    missed.refresh_from_db()
    late.refresh_from_db()
    assert missed.status == "missed" and late.status == PlanStatus.CONFIRMED
    assert tick.tick(next_day + timedelta(hours=2)) == {
        "windows": 0,
        "started": 0,
        "missed": 0,
        "failed": 0,
        "notices": 0,
    }


def soft_freeze_over(window, name="soft"):
    return f.FreezeWindowFactory(
        customer=window.customer,
        name=name,
        mode="override",
        starts_at=window.starts_at - timedelta(hours=1),
        ends_at=window.ends_at + timedelta(hours=1),
    )


def run_at(at):
    with time_machine.travel(at, tick=False):
        return tick.tick(timezone.now())


def test_an_admins_freeze_override_is_carried_to_the_tick_that_starts_the_change(world):
    # given an admin who schedules a change into a window inside an overridable freeze
    customer, router, _, admin = world
    now = timezone.now()
    window = f.MaintenanceWindowFactory(
        customer=customer, devices=[router], starts_at=now + timedelta(hours=1)
    )
    freeze = soft_freeze_over(window)
    plan = confirmed_plan(admin, router)
    with pytest.raises(ValidationError, match="soft"):
        scheduling.schedule_change(admin, plan, window, window.starts_at, now=now)
    scheduled, _ = scheduling.schedule_change(
        admin, plan, window, window.starts_at, now=now, override=True, override_reason="P1 fix"
    )
    assert (scheduled.override_by, scheduled.overridden) == (admin, [f"freeze:{freeze.pk}"])
    # when the tick reaches the window's start, the override is honoured (and audited)
    assert run_at(window.starts_at + timedelta(seconds=5))["started"] == 1
    scheduled.refresh_from_db()
    plan.refresh_from_db()
    assert scheduled.status == "started" and plan.status == PlanStatus.COMMITTING
    assert f"freeze window 'soft' (#{freeze.pk})" in scheduled.reason
    override = AuditEvent.objects.get(action="override_gates")
    assert override.actor == admin and override.changes["reason"] == [None, "P1 fix"]
    commit = AuditEvent.objects.get(action="commit", object_id=str(plan.pk))
    assert "soft" in commit.changes["overridden"][1][0]


def test_a_demoted_admins_override_is_not_honoured_at_run_time(world):
    customer, router, _, admin = world
    now = timezone.now()
    window = f.MaintenanceWindowFactory(
        customer=customer, devices=[router], starts_at=now + timedelta(hours=1)
    )
    freeze = soft_freeze_over(window, "year end")
    plan = confirmed_plan(admin, router)
    scheduled, _ = scheduling.schedule_change(
        admin, plan, window, window.starts_at, now=now, override=True
    )
    # when the admin is demoted to operator before the window starts
    admin.memberships.filter(customer=customer).update(role="operator")
    assert run_at(window.starts_at + timedelta(seconds=5))["failed"] == 1
    # then the change is refused naming the freeze and the lapsed override, audited
    scheduled.refresh_from_db()
    plan.refresh_from_db()
    assert scheduled.status == "failed" and plan.status == PlanStatus.CONFIRMED
    assert f"freeze window 'year end' (#{freeze.pk})" in scheduled.reason
    assert f"the override by {admin.username} no longer holds" in scheduled.reason
    failed = AuditEvent.objects.get(action="change_failed", object_id=str(scheduled.pk))
    assert "year end" in failed.changes["reason"][1]
    assert not AuditEvent.objects.filter(action="override_gates").exists()


def test_an_override_covers_only_the_freezes_the_admin_saw(world):
    customer, router, _, admin = world
    now = timezone.now()
    window = f.MaintenanceWindowFactory(
        customer=customer, devices=[router], starts_at=now + timedelta(hours=1)
    )
    soft_freeze_over(window, "first")
    plan = confirmed_plan(admin, router)
    scheduled, _ = scheduling.schedule_change(
        admin, plan, window, window.starts_at, now=now, override=True
    )
    # a second overridable freeze declared after the change was scheduled
    later = soft_freeze_over(window, "second")
    assert run_at(window.starts_at + timedelta(seconds=5))["failed"] == 1
    scheduled.refresh_from_db()
    assert f"freeze window 'second' (#{later.pk})" in scheduled.reason


def test_a_change_whose_plan_was_edited_after_scheduling_fails_and_the_plan_is_in_draft(world):
    customer, router, operator, _ = world
    now = timezone.now()
    window = f.MaintenanceWindowFactory(
        customer=customer, devices=[router], starts_at=now + timedelta(hours=1)
    )
    plan = confirmed_plan(operator, router)
    scheduled, _ = scheduling.schedule_change(operator, plan, window, window.starts_at, now=now)
    PlanDevice.objects.filter(plan=plan).update(commands=["ntp server 2"])
    assert run_at(window.starts_at + timedelta(seconds=5))["failed"] == 1
    scheduled.refresh_from_db()
    plan.refresh_from_db()
    # the return to draft outlives the refused start (it is not rolled back with the commit)
    assert scheduled.status == "failed" and "back in draft" in scheduled.reason
    assert plan.status == PlanStatus.PREVIEWED and plan.confirmed_hash == ""
    assert AuditEvent.objects.filter(action="return_to_draft", object_id=str(plan.pk)).exists()
