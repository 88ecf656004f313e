"""The status page's Incidents section: open P1/P2 incidents by site, no internal text."""

from datetime import timedelta

import pytest
from django.utils import timezone

from webnet.maintenance import status_page
from webnet.tests import factories as f

pytestmark = pytest.mark.django_db


def test_open_major_incidents_show_by_site_without_titles() -> None:
    customer, other = f.CustomerFactory(), f.CustomerFactory()
    site = f.SiteFactory(customer=customer, name="FRA1")
    now = timezone.now()
    f.IncidentFactory(customer=customer, priority="p1", title="core-1 bgp flap", site=site)
    f.IncidentFactory(customer=customer, priority="p3", title="minor")
    f.IncidentFactory(customer=customer, priority="p2", status="resolved", title="old")
    f.IncidentFactory(customer=other, priority="p1", title="bravo outage")
    page = status_page.build(customer, now + timedelta(seconds=1))
    (section,) = [s for s in page["sections"] if s.title == "Incidents"]
    assert [item["title"] for item in section.items] == ["Service disruption — FRA1"]
    assert "core-1" not in str(page) and "bravo" not in str(page)
