"""Browser: a change needing two approvals cannot be committed with one; with a second approver
(another user) it is confirmed and committed. The requester sees no approve button."""

import pytest

from webnet.config_mgmt.approvals import ApprovalPolicy
from webnet.customers.models import Role
from webnet.jobs import executors
from webnet.tests import factories
from webnet.tests.ui.browsing import log_in
from webnet.tests.ui.test_browser import browser  # noqa: F401  (fixture)
from webnet.tests.ui.test_deploy import previewed_plan

pytestmark = pytest.mark.browser


def test_two_approvals_by_two_users_before_commit(
    transactional_db: None,
    live_server: object,
    browser: object,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    submitted: list[int] = []
    monkeypatch.setattr(executors, "submit", submitted.append)  # the deploy job is not run
    requester = factories.MembershipFactory(role=Role.OPERATOR, user__username="req-op")
    customer = requester.customer
    for name in ("approver-1", "approver-2"):
        factories.MembershipFactory(customer=customer, role=Role.ADMIN, user__username=name)
    ApprovalPolicy.objects.create(customer=customer, required_approvers=2)
    plan = previewed_plan(customer, factories.DeviceFactory(customer=customer), requester.user)
    base = live_server.url  # type: ignore[attr-defined]
    url = f"{base}/deploy/{plan.pk}/"

    page = log_in(browser, base, "req-op")
    page.goto(url)
    assert page.locator("text=Confirm this plan").count() == 0
    page.click("button:has-text('Submit for approval')")
    page.wait_for_selector("text=Submitted for approval.")
    assert page.locator("button:has-text('Approve')").count() == 0  # never one's own change

    first = log_in(browser, base, "approver-1")
    first.goto(url)
    first.click("#plan-devices summary")
    assert "+snmp-server location x" in first.inner_text("#plan-devices")  # the predicted diff
    first.fill("#approval-comment", "fine by me")
    first.click("button:has-text('Approve')")
    first.wait_for_selector("text=Approvals (1 of 2)")

    page.goto(url)  # one approval: nothing to confirm or commit yet
    assert page.locator("text=Confirm this plan").count() == 0
    assert page.locator("button:has-text('Commit')").count() == 0

    second = log_in(browser, base, "approver-2")
    second.goto(url)
    second.click("button:has-text('Approve')")
    second.wait_for_selector("[data-plan-status=approved]")

    page.goto(url)
    page.click("button:has-text('Confirm this plan')")
    page.click("button:has-text('Commit to 1 device')")
    page.wait_for_selector(r"text=/Deploying \(job \d+\)/")
    assert len(submitted) == 1
