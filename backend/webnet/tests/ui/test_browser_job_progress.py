"""Browser: the live job page shows every device's state (queued, running, done), one counter
that agrees with the table, and each command's output pre-formatted and collapsible."""

import pytest
from django.utils import timezone

from webnet.customers.models import Role
from webnet.jobs.models import Job, JobDeviceResult, JobLog, JobStatus
from webnet.tests import factories
from webnet.tests.ui.browsing import log_in
from webnet.tests.ui.test_browser import browser  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser

VERSION = "Cisco IOS Software, Version 15.9\nuptime is 3 weeks\n"


def test_live_job_page_shows_per_device_progress_and_readable_output(
    transactional_db: None,
    live_server: object,
    browser: object,  # noqa: F811
) -> None:
    membership = factories.MembershipFactory(role=Role.OPERATOR, user__username="progress-op")
    customer = membership.customer
    r1, r2, r3 = (
        factories.DeviceFactory(customer=customer, hostname=f"prog-r{i}") for i in (1, 2, 3)
    )
    job = Job.objects.create(
        customer=customer,
        kind="commands.run",
        status=JobStatus.RUNNING,
        targets={"devices": [r1.pk, r2.pk, r3.pk]},
        device_ids=[r1.pk, r2.pk, r3.pk],
        params={"commands": ["show version"], "parse": False},
        total=3,
        started_at=timezone.now(),
    )
    for seq, device in ((1, r1), (2, r2)):
        JobLog.objects.create(
            customer=customer,
            job=job,
            seq=seq,
            time=timezone.now(),
            level="info",
            device=device,
            hostname=device.hostname,
            message="connected",
        )
    JobDeviceResult.objects.create(
        customer=customer,
        job=job,
        device=r1,
        hostname=r1.hostname,
        status="success",
        output=f"prog-r1# show version\n{VERSION}",
        data={"commands": [{"command": "show version", "output": VERSION}]},
    )
    Job.objects.filter(pk=job.pk).update(succeeded=1)
    base = live_server.url  # type: ignore[attr-defined]
    page = log_in(browser, base, "progress-op")
    page.goto(f"{base}/jobs/{job.pk}/")

    assert page.get_attribute("[data-device-row=prog-r1]", "data-state") == "success"
    assert page.get_attribute("[data-device-row=prog-r2]", "data-state") == "running"
    assert page.get_attribute("[data-device-row=prog-r3]", "data-state") == "queued"
    counts = page.inner_text("#job-summary [data-counts]")
    assert "1 queued" in counts and "1 running" in counts and "1 succeeded" in counts
    assert page.locator("[data-job-log] >> text=/ok · .* failed/").count() == 0  # one counter

    output = page.locator("[data-device-row=prog-r1] [data-command='show version'] pre")
    assert not output.is_visible()  # collapsed
    page.click("[data-device-row=prog-r1] [data-command='show version'] summary")
    assert output.inner_text() == VERSION.rstrip("\n") or output.inner_text() == VERSION
    assert "(2 lines)" in page.inner_text("[data-device-row=prog-r1] [data-command] summary")
    assert '"commands"' not in page.inner_text("#result-table")  # no raw JSON of the output

    JobDeviceResult.objects.create(
        customer=customer,
        job=job,
        device=r2,
        hostname=r2.hostname,
        status="failed",
        error_code="timeout",
    )
    page.wait_for_selector("[data-device-row=prog-r2][data-state=failed]")  # the table follows
    page.wait_for_selector("#job-summary [data-count=failed]")
