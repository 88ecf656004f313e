"""Browser: an admin creates a compliance policy and edits it, leaving the blank extra rule and
fixture rows of the formsets untouched (they are ignored, not "required")."""

import pytest

from webnet.compliance.models import CompliancePolicy
from webnet.customers.models import Role
from webnet.tests import factories
from webnet.tests.ui.browsing import log_in
from webnet.tests.ui.test_browser import browser  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser


def test_create_then_edit_a_policy_with_blank_extra_rows(
    transactional_db: None,
    live_server: object,
    browser: object,  # noqa: F811
) -> None:
    factories.MembershipFactory(role=Role.ADMIN, user__username="policy-admin")
    base = live_server.url  # type: ignore[attr-defined]
    page = log_in(browser, base, "policy-admin")

    page.goto(f"{base}/compliance/policies/new/")
    page.fill("#id_name", "ssh")
    page.fill("#id_rules-0-name", "ssh v2")
    page.fill("#id_rules-0-parameters", '{"lines": ["ip ssh version 2"]}')
    page.click("button:has-text('Create')")  # the blank fixture row stays blank
    page.wait_for_selector("text=saved; its fixtures pass")
    policy = CompliancePolicy.objects.get()
    assert policy.rules.get().name == "ssh v2" and not policy.fixtures.exists()

    # The editor now shows the saved rule plus a blank extra rule row and a blank fixture row.
    assert page.input_value("#id_rules-0-name") == "ssh v2"
    assert page.input_value("#id_rules-1-name") == ""
    page.fill("#id_description", "SSH hardening")
    page.fill("#id_fixtures-0-name", "bare")
    page.fill("#id_fixtures-0-config", "hostname r1\n")
    page.fill("#id_fixtures-0-expected", '{"ssh v2": "fail"}')
    page.click("button:has-text('Save')")
    page.wait_for_selector("text=saved; its fixtures pass")
    page.wait_for_selector("#fixture-report >> text=agrees")
    policy.refresh_from_db()
    assert policy.description == "SSH hardening"
    assert [x.name for x in policy.fixtures.all()] == ["bare"]
    assert policy.rules.count() == 1
