"""Change approvals over the API: the policy (admins), submit/approve/reject by the shown hash."""

from typing import Any

import pytest

from webnet.config_mgmt.approvals import ApprovalPolicy
from webnet.config_mgmt.plans import current_hash
from webnet.customers.models import Role
from webnet.tests import factories
from webnet.tests.api.contract import ResourceContract
from webnet.tests.conftest import World, client_for
from webnet.tests.ui.test_deploy import previewed_plan

pytestmark = pytest.mark.django_db
POLICIES = "/api/v1/approval-policies/"


@pytest.fixture
def plan(world: World) -> Any:
    return previewed_plan(world.a, factories.DeviceFactory(customer=world.a), world.operator)


def _url(plan: Any, step: str) -> str:
    return f"/api/v1/change-plans/{plan.pk}/{step}/"


def test_two_approvals_by_two_users_then_commit(world: World, api: Any, plan: Any) -> None:
    created = api("admin").post(
        POLICIES, {"customer": world.a.pk, "required_approvers": 2}, format="json"
    )
    assert created.status_code == 201, created.json()
    digest = current_hash(plan)
    assert api("operator").post(_url(plan, "submit"), {"content_hash": digest}).status_code == 200
    shown = api("admin").get(f"/api/v1/change-plans/{plan.pk}/").json()
    assert shown["status"] == "pending_approval" and shown["approvals_needed"] == 2
    assert (
        shown["submitted_hash"] == digest
        and "+snmp-server location x" in shown["devices"][0]["diff"]
    )
    approved = api("admin").post(_url(plan, "approve"), {"content_hash": digest, "comment": "ok"})
    assert approved.json()["approvals"][0]["username"] == "a-admin"
    mine = api("operator").post(_url(plan, "approve"), {"content_hash": digest})
    assert mine.status_code == 403  # the requester
    second = factories.MembershipFactory(customer=world.a, role=Role.ADMIN).user
    assert (
        client_for(second).post(_url(plan, "approve"), {"content_hash": digest}).status_code == 200
    )
    assert api("operator").post(_url(plan, "confirm"), {"content_hash": digest}).status_code == 200
    committed = api("operator").post(_url(plan, "commit"), {})
    assert committed.status_code == 202 and committed.json()["status"] == "committing"


def test_refusals_are_400_403_and_404(world: World, api: Any, plan: Any) -> None:
    ApprovalPolicy.objects.create(customer=world.a, required_approvers=1)
    digest = current_hash(plan)
    assert api("viewer").post(_url(plan, "submit"), {"content_hash": digest}).status_code == 403
    stale = api("operator").post(_url(plan, "submit"), {"content_hash": "0" * 64})
    assert stale.status_code == 400 and "content_hash" in stale.json()
    api("operator").post(_url(plan, "submit"), {"content_hash": digest})
    assert api("outsider").post(_url(plan, "approve"), {"content_hash": digest}).status_code == 404
    no_reason = api("admin").post(_url(plan, "reject"), {"content_hash": digest})
    assert no_reason.status_code == 400 and "comment" in no_reason.json()
    early = api("operator").post(_url(plan, "commit"), {})
    assert early.status_code == 400 and "status" in early.json()


def test_policy_is_admin_only_and_validated(world: World, api: Any) -> None:
    body = {"customer": world.a.pk, "required_approvers": 2}
    assert api("operator").post(POLICIES, body, format="json").status_code == 403
    bad = api("admin").post(POLICIES, {**body, "required_approvers": 0}, format="json")
    assert bad.status_code == 400 and "required_approvers" in bad.json()
    foreign = factories.TagFactory(customer=world.b)
    tagged = api("admin").post(POLICIES, {**body, "risky_tag": foreign.pk}, format="json")
    assert tagged.status_code == 400 and "risky_tag" in tagged.json()
    assert api("admin").post(POLICIES, body, format="json").status_code == 201
    twice = api("admin").post(POLICIES, body, format="json")
    assert twice.status_code == 400


class TestApprovalPolicies(ResourceContract):
    endpoint = "approval-policies"
    least_role = {"view": "viewer", "add": "admin", "change": "admin", "delete": "admin"}
    related = {"risky_tag": lambda customer: factories.TagFactory(customer=customer)}

    def make(self, world: World) -> Any:
        """One policy per customer: a new one replaces the last (the list tests make several)."""
        ApprovalPolicy.objects.filter(customer=world.a).delete()
        return ApprovalPolicy.objects.create(customer=world.a, required_approvers=2)

    def create_payload(self, world: World) -> dict:
        return {"customer": world.a.pk, "required_approvers": 2, "approver_role": "operator"}

    def update_payload(self, world: World) -> dict:
        return {"min_devices": 10}
