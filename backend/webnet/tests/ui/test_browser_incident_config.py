"""Browser: an admin sets up incident handling from the sidebar — a team, an on-call schedule
with a rotation, an escalation chain with two steps, an SLA policy and a rule — and sees who is
on call now."""

import pytest

from webnet.customers.models import Role
from webnet.incidents.models import IncidentRule
from webnet.tests import factories
from webnet.tests.ui.browsing import log_in
from webnet.tests.ui.test_browser import browser, follow_nav  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser


def test_configure_incident_handling_and_see_who_is_on_call(
    transactional_db: None,
    live_server: object,
    browser: object,  # noqa: F811
) -> None:
    membership = factories.MembershipFactory(role=Role.ADMIN, user__username="cfg-admin")
    factories.MembershipFactory(
        customer=membership.customer, role=Role.OPERATOR, user__username="cfg-op"
    )
    base = live_server.url  # type: ignore[attr-defined]
    page = log_in(browser, base, "cfg-admin", timezone_id="Europe/Berlin")

    follow_nav(page, "Teams")
    page.click("text=New team")
    page.fill("#id_name", "noc")
    page.check("label:has-text('cfg-op') >> input")
    page.click("button:has-text('Create')")
    page.wait_for_selector("tr[data-team='noc'] >> text=cfg-op")

    follow_nav(page, "On-call schedules")
    page.click("text=New on call schedule")
    page.fill("#id_name", "primary")
    page.fill("#id_time_zone", "Europe/Berlin")
    page.click("button:has-text('Create')")
    page.click("#add-rotation")
    page.fill("#id_name", "weekly")
    page.fill("#id_handoff_time", "09:00")
    page.fill("#id_start_date", "2026-01-05")
    page.select_option("#id_rows-0-user", label="cfg-op")
    page.click("button:has-text('Create')")  # rows 1 and 2 stay blank
    page.wait_for_selector("tr[data-rotation='weekly'] >> text=cfg-op")

    follow_nav(page, "Escalation chains")
    page.click("text=New escalation chain")
    page.fill("#id_name", "core outage")
    page.fill("#id_rows-0-wait_minutes", "0")
    page.select_option("#id_rows-0-target_kind", "schedule")
    page.select_option("#id_rows-0-schedule", label="primary")
    page.fill("#id_rows-1-wait_minutes", "15")
    page.select_option("#id_rows-1-target_kind", "team")
    page.select_option("#id_rows-1-team", label="noc")
    page.click("button:has-text('Create')")
    assert page.locator("tr[data-chain='core outage'] .chain-step").count() == 2

    follow_nav(page, "SLA policies")
    page.click("text=New SLA policy")
    page.fill("#id_name", "gold")
    page.fill("#id_target_p1_acknowledge", "15")
    page.fill("#id_target_p1_resolve_total", "240")
    page.click("button:has-text('Create')")
    page.wait_for_selector("tr[data-policy='gold'] >> text=P1")

    follow_nav(page, "Incident rules")
    page.click("text=New incident rule")
    page.fill("#id_name", "critical core")
    page.select_option("#id_min_severity", "critical")
    page.select_option("#id_priority", "p1")
    page.select_option("#id_team", label="noc")
    page.select_option("#id_escalation_chain", label="core outage")
    page.select_option("#id_sla_policy", label="gold")
    page.click("button:has-text('Create')")
    page.wait_for_selector("tr[data-rule='critical core'] >> text=chain core outage")
    rule = IncidentRule.objects.get(name="critical core")
    assert (rule.team.name, rule.sla_policy.targets["p1"]["acknowledge"]) == ("noc", 900)

    follow_nav(page, "On call")
    assert page.locator(".oncall-now").inner_text() == "cfg-op"
    page.click("text=primary")
    assert page.locator("#on-call-now .oncall-now").inner_text() == "cfg-op"
    assert "CET" in page.locator("#on-call-now ul").inner_text()  # in the browser's zone
