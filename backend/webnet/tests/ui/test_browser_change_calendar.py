"""Browser: the change calendar end to end, as a customer admin in Berlin — create a freeze,
schedule a confirmed change into a window it overlaps (refused, the freeze named), override with
a reason, subscribe to the iCalendar feed with a new token, make the status page public, end an
open window early, and find the freeze, the window and the change on the calendar (Berlin time)."""

import re
import urllib.request
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from webnet.core.models import AuditEvent
from webnet.customers.models import Role
from webnet.maintenance.models import MaintenanceWindow, ScheduledChange
from webnet.tests import factories
from webnet.tests.ui.browsing import log_in
from webnet.tests.ui.test_browser import browser, follow_nav  # noqa: F401  (fixture)
from webnet.tests.ui.test_deploy import previewed_plan

pytestmark = pytest.mark.browser

BERLIN = ZoneInfo("Europe/Berlin")


def local(moment) -> str:  # type: ignore[no-untyped-def]
    """A datetime-local input value in the browser's (Berlin) zone."""
    return moment.astimezone(BERLIN).strftime("%Y-%m-%dT%H:%M")


def test_freeze_schedule_override_feed_status_page_and_end_early(
    transactional_db: None,
    live_server: object,
    browser: object,  # noqa: F811
) -> None:
    admin = factories.MembershipFactory(role=Role.ADMIN, user__username="cal-admin")
    customer = admin.customer
    router = factories.DeviceFactory(customer=customer, hostname="cal-r1")
    plan = previewed_plan(customer, router, admin.user, name="ntp servers")
    now = timezone.now()
    start = (now + timedelta(days=1)).replace(second=0, microsecond=0)
    window = factories.MaintenanceWindowFactory(
        customer=customer, name="Night work", starts_at=start, ends_at=start + timedelta(hours=2)
    )
    factories.MaintenanceWindowFactory(
        customer=customer,
        name="Open now",
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=3),
    )
    base = live_server.url  # type: ignore[attr-defined]
    page = log_in(browser, base, "cal-admin", timezone_id="Europe/Berlin")

    # a freeze over the whole customer, around the window; an admin may override it
    follow_nav(page, "Freeze windows")
    page.click("text=New freeze window")
    page.fill("#id_name", "Year-end freeze")
    page.fill("#id_starts_at", local(start - timedelta(hours=1)))
    page.fill("#id_ends_at", local(start + timedelta(hours=6)))
    page.fill("#id_time_zone", "Europe/Berlin")
    page.select_option("#id_mode", "override")
    page.click("button:has-text('Create')")
    expect(page.locator("[data-testid=freeze-table]")).to_contain_text("The whole customer")

    # confirm the previewed plan, then schedule it into the window
    page.goto(f"{base}/deploy/{plan.pk}/")
    page.click("button:has-text('Confirm this plan')")
    page.click("text=Or schedule it into a maintenance window")
    page.select_option("#id_occurrence", f"{window.pk}|{start.isoformat()}")
    expect(page.locator("#id_plan")).to_have_value(str(plan.pk))
    page.click("button:has-text('Schedule')")
    form = page.locator("[data-testid=schedule-form]")
    expect(form).to_contain_text("freeze window 'Year-end freeze'")
    assert not ScheduledChange.objects.exists()
    page.fill("#id_override_reason", "fibre repair cannot wait")
    page.click("button:has-text('Schedule')")
    row = page.locator("[data-testid=scheduled-change-table] tr[data-status=scheduled]")
    expect(row).to_contain_text("Night work")
    expect(row).to_contain_text(start.astimezone(BERLIN).strftime("%Y-%m-%d %H:%M:%S %Z"))
    override = AuditEvent.objects.get(action="override_freeze")
    assert override.changes["reason"] == [None, "fibre repair cannot wait"]

    # a calendar feed: the URL is shown once; the .ics holds window, freeze and change
    follow_nav(page, "Calendar feeds")
    page.fill("#id_name", "NOC wall calendar")
    page.click("button:has-text('Create feed')")
    secret = page.locator("[data-testid=shown-once] input")
    expect(secret).to_have_value(re.compile(r"/calendar/cal_[\w-]+\.ics$"))
    feed_url = secret.input_value()
    with urllib.request.urlopen(feed_url, timeout=10) as response:  # no session
        ics = response.read().decode()
    assert "BEGIN:VCALENDAR" in ics and "SUMMARY:Maintenance: Night work" in ics
    assert "SUMMARY:Freeze: Year-end freeze" in ics and "SUMMARY:Change: ntp servers" in ics
    page.goto(f"{base}/calendar-feeds/")
    expect(page.locator("[data-testid=feed-table]")).to_contain_text("NOC wall calendar")
    raw = feed_url.rsplit("/", 1)[1].removesuffix(".ics")
    assert raw not in page.content()  # shown once only

    # the status page, public
    follow_nav(page, "Status page")
    page.fill("#id_title", "Cal status")
    page.check("#id_is_public")
    page.click("button:has-text('Save settings')")
    expect(page.locator("[data-testid=status-visibility]")).to_contain_text("public")
    visitor = browser.new_page()  # type: ignore[attr-defined]
    visitor.goto(f"{base}/status/{customer.slug}/")
    expect(visitor.locator("body")).to_contain_text("Cal status")

    # end the open window early, after confirming
    page.goto(f"{base}/maintenance/")
    page.locator("tr", has_text="Open now").locator("text=End early").click()
    page.click("button:has-text('End now')")
    expect(page.locator("body")).to_contain_text("Maintenance window “Open now” ended.")
    assert MaintenanceWindow.objects.get(name="Open now").ended_early_at is not None

    # the calendar's day view shows the freeze, the window and the change, in Berlin time
    day = start.astimezone(BERLIN).date().isoformat()
    page.goto(f"{base}/calendar/?view=day&date={day}")
    calendar = page.locator("#calendar")
    for kind, name in (
        ("freeze", "Year-end freeze"),
        ("maintenance", "Night work"),
        ("change", "ntp servers"),
    ):
        expect(calendar.locator(f".calendar-item[data-kind={kind}]")).to_contain_text(name)
    zone = start.astimezone(BERLIN).tzname()
    expect(calendar.locator(".calendar-item[data-kind=change]")).to_contain_text(f" {zone}")
