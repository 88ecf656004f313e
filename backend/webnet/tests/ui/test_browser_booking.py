"""Browser: an operator books a confirmed plan into a slot (times typed in their zone, named on
the page), cancels the booking, books it again, and sees the plan running once the scheduler's
tick has started it."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from webnet.config_mgmt import booking, deploy
from webnet.config_mgmt.plans import current_hash
from webnet.core.models import AuditEvent
from webnet.customers.models import Role
from webnet.jobs import executors
from webnet.tests import factories
from webnet.tests.ui.browsing import log_in
from webnet.tests.ui.test_browser import browser  # noqa: F401  (fixture)
from webnet.tests.ui.test_deploy import previewed_plan

pytestmark = pytest.mark.browser
BERLIN = ZoneInfo("Europe/Berlin")


def test_book_cancel_rebook_and_see_it_start(
    transactional_db: None,
    live_server: object,
    browser: object,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    submitted: list[int] = []
    monkeypatch.setattr(executors, "submit", submitted.append)  # the deploy job is not run
    member = factories.MembershipFactory(role=Role.OPERATOR, user__username="book-op")
    member.user.time_zone = "Europe/Berlin"
    member.user.save(update_fields=["time_zone"])
    customer = member.customer
    plan = previewed_plan(customer, factories.DeviceFactory(customer=customer), member.user)
    deploy.confirm_plan(member.user, plan, current_hash(plan))
    base = live_server.url  # type: ignore[attr-defined]

    page = log_in(browser, base, "book-op")
    page.goto(f"{base}/deploy/{plan.pk}/")
    form = page.locator("#plan-book-form")
    expect(form).to_contain_text("times in Europe/Berlin")
    starts = timezone.now().astimezone(BERLIN).replace(second=0, microsecond=0)
    ends = starts + timedelta(hours=1)
    form.locator("input[name=starts]").fill(starts.strftime("%Y-%m-%dT%H:%M"))
    form.locator("input[name=ends]").fill(ends.strftime("%Y-%m-%dT%H:%M"))
    form.locator("button:has-text('Book')").click()
    expect(page.locator("text=Booked: the scheduler starts the plan")).to_be_visible()
    expect(page.locator("[data-plan-status=scheduled]")).to_be_visible()
    slot = page.locator("[data-booked-slot]")
    expect(slot).to_contain_text(f"{starts:%Y-%m-%d %H:%M}:00 {starts.tzname()}")

    page.click("button:has-text('Cancel the booking')")
    expect(page.locator("text=Booking cancelled")).to_be_visible()
    expect(page.locator("[data-plan-status=confirmed]")).to_be_visible()
    assert AuditEvent.objects.filter(action="cancel_schedule", actor=member.user).exists()

    form.locator("input[name=starts]").fill(starts.strftime("%Y-%m-%dT%H:%M"))
    form.locator("input[name=ends]").fill(ends.strftime("%Y-%m-%dT%H:%M"))
    form.locator("button:has-text('Book')").click()
    expect(page.locator("[data-plan-status=scheduled]")).to_be_visible()

    # the scheduler's tick (beat, or the embedded timer) reaches the slot's start
    assert booking.start_due(timezone.now())["started"] == 1
    page.reload()
    expect(page.locator("[data-plan-status=committing]")).to_have_text("Running")
    assert len(submitted) == 1
