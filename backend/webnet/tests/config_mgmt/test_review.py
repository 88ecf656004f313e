"""The approval workflow of change plans: four eyes, hashes, back to draft, change gates.

Given a previewed plan (rows written by hand, no lab), when people submit, approve, reject,
confirm and commit, then the workflow holds; under the `db` fixture the commit's job stays queued.
"""

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from webnet.config_mgmt import booking, change_gates, deploy, review
from webnet.config_mgmt.approvals import ApprovalPolicy, PlanApproval
from webnet.config_mgmt.deploy_kinds import _deploy_outcome, preview_finished
from webnet.config_mgmt.plans import PlanDevice, PlanDeviceStatus, PlanStatus, current_hash
from webnet.core.models import AuditEvent
from webnet.customers.models import Role
from webnet.tests import factories
from webnet.tests.conftest import World
from webnet.tests.ui.test_deploy import previewed_plan


@pytest.fixture
def plan(world: World) -> Any:
    device = factories.DeviceFactory(customer=world.a, hostname="r1")
    return previewed_plan(world.a, device, world.operator)


def _approver(world: World, name: str, role: str = Role.ADMIN) -> Any:
    return factories.MembershipFactory(customer=world.a, role=role, user__username=name).user


def _two_approvals(world: World) -> ApprovalPolicy:
    return ApprovalPolicy.objects.create(customer=world.a, required_approvers=2)


def test_a_plan_needing_two_approvals_commits_only_after_two(world: World, plan: Any) -> None:
    _two_approvals(world)
    digest = current_hash(plan)
    with pytest.raises(ValidationError, match="submit it for approval"):
        deploy.confirm_plan(world.operator, plan, digest)
    review.submit_plan(world.operator, plan, digest)
    plan = review.approve_plan(world.admin, plan, digest, comment="looks fine")
    assert plan.status == PlanStatus.PENDING_APPROVAL
    with pytest.raises(ValidationError):
        deploy.confirm_plan(world.operator, plan, digest)
    plan = review.approve_plan(_approver(world, "second"), plan, digest)
    assert plan.status == PlanStatus.APPROVED
    deploy.confirm_plan(world.operator, plan, digest)
    plan = deploy.commit_plan(world.operator, plan)
    assert plan.status == PlanStatus.COMMITTING and plan.commit_job_id
    actions = AuditEvent.objects.filter(object_id=str(plan.pk)).values_list("action", flat=True)
    assert sorted(actions) == ["approved", "approved", "commit", "confirm", "submit"]


def test_commit_refuses_when_an_approval_was_voided(world: World, plan: Any) -> None:
    """Approvals are counted again at commit, for the confirmed hash."""
    ApprovalPolicy.objects.create(customer=world.a, required_approvers=1)
    digest = current_hash(plan)
    review.submit_plan(world.operator, plan, digest)
    review.approve_plan(world.admin, plan, digest)
    deploy.confirm_plan(world.operator, plan, digest)
    PlanApproval.objects.update(content_hash="f" * 64)
    with pytest.raises(ValidationError, match="needs 1 approvals"):
        deploy.commit_plan(world.operator, plan)


def test_requester_and_weaker_roles_cannot_approve(world: World, plan: Any) -> None:
    _two_approvals(world)
    digest = current_hash(plan)
    review.submit_plan(world.operator, plan, digest)
    with pytest.raises(PermissionDenied, match="requester"):
        review.approve_plan(world.operator, plan, digest)
    with pytest.raises(PermissionDenied, match="admins"):
        review.approve_plan(_approver(world, "op2", Role.OPERATOR), plan, digest)
    with pytest.raises(PermissionDenied):
        review.approve_plan(world.viewer, plan, digest)
    with pytest.raises(ValidationError, match="changed since you looked"):
        review.approve_plan(world.admin, plan, "0" * 64)
    review.approve_plan(world.admin, plan, digest)
    with pytest.raises(ValidationError, match="already decided"):
        review.approve_plan(world.admin, plan, digest)


def test_a_changed_plan_returns_to_draft_and_voids_approvals(world: World, plan: Any) -> None:
    _two_approvals(world)
    digest = current_hash(plan)
    review.submit_plan(world.operator, plan, digest)
    review.approve_plan(world.admin, plan, digest)
    PlanDevice.objects.filter(plan=plan).update(commands=["snmp-server location tampered"])
    with pytest.raises(ValidationError, match="back in draft"):
        review.approve_plan(_approver(world, "second"), plan, digest)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PREVIEWED and not plan.submitted_hash
    assert PlanApproval.objects.get().voided_at is not None
    assert AuditEvent.objects.filter(action="return_to_draft", object_id=str(plan.pk)).exists()


def test_a_new_preview_voids_approvals(world: World, plan: Any) -> None:
    ApprovalPolicy.objects.create(customer=world.a, required_approvers=1)
    digest = current_hash(plan)
    review.submit_plan(world.operator, plan, digest)
    review.approve_plan(world.admin, plan, digest)
    plan.preview_job.params = {"plan": plan.pk}
    preview_finished(plan.preview_job)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PREVIEWED
    assert not review.live_approvals(plan, digest)


def test_reject_needs_a_reason_and_sends_back_to_draft(world: World, plan: Any) -> None:
    _two_approvals(world)
    digest = current_hash(plan)
    review.submit_plan(world.operator, plan, digest)
    with pytest.raises(ValidationError):
        review.reject_plan(world.admin, plan, digest, comment=" ")
    plan = review.reject_plan(world.admin, plan, digest, comment="not during business hours")
    assert plan.status == PlanStatus.PREVIEWED
    rejection = PlanApproval.objects.get()
    assert rejection.decision == "rejected" and rejection.voided_at is not None


def test_policy_scope_by_device_count_and_risky_tag(world: World, plan: Any) -> None:
    risky = factories.TagFactory(customer=world.a, name="core")
    policy = ApprovalPolicy.objects.create(customer=world.a, min_devices=1)
    assert review.approvals_needed(plan) == 0  # one device is not more than one
    policy.risky_tag = risky
    policy.save()
    PlanDevice.objects.get(plan=plan).device.tags.add(risky)
    assert review.approvals_needed(plan) == 1
    other = factories.DeviceFactory(customer=world.b)
    other_plan = previewed_plan(world.b, other)
    assert review.approvals_needed(other_plan) == 0  # another customer's policy never applies


def _gate(blocking: bool, overridable: bool) -> change_gates.Gate:
    def gate(plan: Any, starts: Any, ends: Any) -> list[change_gates.GateFinding]:
        return [
            change_gates.GateFinding("freeze", "freeze window 'Xmas' (#4)", blocking, overridable)
        ]

    return gate


def test_a_blocking_gate_refuses_commit_naming_the_finding(
    world: World, plan: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(change_gates._gates, "fake", _gate(blocking=True, overridable=False))
    deploy.confirm_plan(world.operator, plan, current_hash(plan))
    with pytest.raises(ValidationError, match="Xmas"):
        deploy.commit_plan(world.admin, plan, override_reason="urgent")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.CONFIRMED


def test_an_admin_overrides_an_overridable_gate_with_a_reason(
    world: World, plan: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(change_gates._gates, "fake", _gate(blocking=True, overridable=True))
    deploy.confirm_plan(world.operator, plan, current_hash(plan))
    with pytest.raises(ValidationError, match="an admin may override"):
        deploy.commit_plan(world.operator, plan, override_reason="urgent")
    with pytest.raises(ValidationError):
        deploy.commit_plan(world.admin, plan)  # no reason
    plan = deploy.commit_plan(world.admin, plan, override_reason="outage fix")
    assert plan.status == PlanStatus.COMMITTING
    event = AuditEvent.objects.get(action="override_gates")
    assert event.changes["reason"] == [None, "outage fix"]


def test_schedule_books_a_confirmed_plan_after_the_gates(
    world: World, plan: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    starts = timezone.now() + timedelta(hours=2)
    deploy.confirm_plan(world.operator, plan, current_hash(plan))
    seen: list[Any] = []
    monkeypatch.setitem(change_gates._gates, "fake", lambda p, s, e: seen.append((s, e)) or [])
    plan = booking.schedule_plan(
        world.operator, plan, starts=starts, ends=starts + timedelta(hours=1)
    )
    assert plan.status == PlanStatus.SCHEDULED and seen == [(starts, starts + timedelta(hours=1))]
    assert plan.scheduled_by == world.operator
    # a booked plan is not committed by hand before its slot: the tick starts it there
    with pytest.raises(ValidationError, match="booked into a slot"):
        deploy.commit_plan(world.operator, plan)


def test_deploy_outcome_names_failures_and_rollbacks() -> None:
    assert _deploy_outcome({PlanDeviceStatus.DEPLOYED}) == PlanStatus.DONE
    assert _deploy_outcome({PlanDeviceStatus.DEPLOYED, PlanDeviceStatus.ROLLED_BACK}) == (
        PlanStatus.ROLLED_BACK
    )
    assert _deploy_outcome({PlanDeviceStatus.ROLLED_BACK, PlanDeviceStatus.FAILED}) == (
        PlanStatus.FAILED
    )
