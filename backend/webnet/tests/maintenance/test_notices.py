"""Announced windows publish one notice per occurrence ahead of time; cancelling expires it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from webnet.maintenance import notices, status_page
from webnet.maintenance.models import Announcement
from webnet.tests import factories as f

pytestmark = pytest.mark.django_db


def test_an_announced_window_gets_one_notice_on_the_status_page_until_cancelled(settings) -> None:
    settings.WEBNET_NOTICE_LEAD_HOURS = 24
    now = timezone.now().replace(microsecond=0)
    starts = now + timedelta(hours=3)
    window = f.MaintenanceWindowFactory(
        name="Core upgrade", starts_at=starts, ends_at=starts + timedelta(hours=2),
        time_zone="Europe/Berlin", announce=True,
    )  # fmt: skip
    f.MaintenanceWindowFactory(customer=window.customer, starts_at=starts)  # not announced
    notices.publish(now)
    notices.publish(now + timedelta(minutes=1))  # a second tick writes nothing new
    (notice,) = Announcement.objects.all()
    assert notice.title == "Planned maintenance: Core upgrade"
    assert notice.expire_at == starts + timedelta(hours=2) and notice.publish_at <= now
    assert "CET" in notice.body or "CEST" in notice.body
    shown = status_page.build(window.customer, now + timedelta(minutes=2))["notices"]
    assert [n["title"] for n in shown] == ["Planned maintenance: Core upgrade"]
    window.cancelled = True
    window.save()
    later = now + timedelta(minutes=5)
    notices.publish(later)
    notice.refresh_from_db()
    assert notice.expire_at == later and notice.updates.count() >= 1
    assert status_page.build(window.customer, later + timedelta(seconds=1))["notices"] == []
