"""Browser: times read the same on every page and in the live log — one format, in the browser's
zone by default (detected once, kept in a cookie), or the profile's zone, always named."""

from datetime import UTC, datetime

import pytest

from webnet.customers.models import Role
from webnet.jobs.models import Job, JobLog, JobStatus
from webnet.tests import factories
from webnet.tests.ui.browsing import log_in
from webnet.tests.ui.test_browser import browser  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser

AT = datetime(2026, 12, 1, 20, 49, 33, tzinfo=UTC)


def test_job_header_and_live_log_show_the_same_local_time_with_the_zone(
    transactional_db: None,
    live_server: object,
    browser: object,  # noqa: F811
) -> None:
    membership = factories.MembershipFactory(role=Role.OPERATOR, user__username="clock-op")
    customer = membership.customer
    job = Job.objects.create(
        customer=customer,
        kind="commands.run",
        status=JobStatus.SUCCESS,
        targets={"all": True},
        params={"commands": ["show clock"]},
        started_at=AT,
        finished_at=AT,
    )
    Job.objects.filter(pk=job.pk).update(created_at=AT)
    JobLog.objects.create(
        customer=customer, job=job, seq=1, time=AT, level="info", message="job started"
    )
    base = live_server.url  # type: ignore[attr-defined]
    page = log_in(browser, base, "clock-op", timezone_id="Europe/Berlin")

    page.goto(f"{base}/jobs/{job.pk}/")
    header = page.inner_text("#job-summary")
    assert "Started\n2026-12-01 21:49:33 CET" in header
    page.wait_for_selector("[data-job-log] [data-seq='1']")
    assert page.inner_text("[data-job-log] [data-seq='1'] [data-time]") == "2026-12-01 21:49:33 CET"

    page.goto(f"{base}/profile/")
    assert "The browser's (Europe/Berlin)" in page.inner_text("#id_time_zone")
    page.select_option("#id_time_zone", "America/New_York")
    page.click("button:has-text('Save')")
    page.wait_for_selector("text=Profile saved.")
    page.goto(f"{base}/jobs/{job.pk}/")
    assert "Started\n2026-12-01 15:49:33 EST" in page.inner_text("#job-summary")
    page.wait_for_selector("[data-job-log] [data-seq='1']")
    assert page.inner_text("[data-job-log] [data-seq='1'] [data-time]") == "2026-12-01 15:49:33 EST"
