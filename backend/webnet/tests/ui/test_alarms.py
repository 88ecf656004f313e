"""The alarm console and the dashboard's alarm counts (Django test client)."""

from typing import Any

import pytest

from webnet.alarms import conditions, ingest
from webnet.alarms.ingest import EventIn
from webnet.alarms.models import Alarm
from webnet.devices.models import Device
from webnet.tests import factories as f
from webnet.tests.conftest import World

pytestmark = pytest.mark.django_db


def _alarm(customer: Any, hostname: str, if_index: int = 1, severity: str = "") -> Alarm:
    device = f.DeviceFactory(customer=customer, hostname=hostname)
    varbinds = {f"{conditions.IF_INDEX}.{if_index}": str(if_index)}
    ingest.record_event(
        EventIn(
            customer.pk,
            "trap",
            device_id=device.pk,
            severity=severity,
            data={"trap_oid": conditions.LINK_DOWN, "varbinds": varbinds},
        )
    )
    return Alarm.objects.get(device=device)


def test_console_lists_the_active_customers_alarms_with_filters(world: World, ui) -> None:
    _alarm(world.a, "edge-a1")
    _alarm(world.a, "core-a2", severity="critical")
    _alarm(world.b, "edge-b1")
    client = ui("viewer")
    page = client.get("/alarms/").content.decode()
    assert "edge-a1" in page and "core-a2" in page and "edge-b1" not in page
    assert "Acknowledge selected" not in page  # viewers cannot acknowledge
    filtered = client.get("/alarms/?severity=critical").content.decode()
    assert "core-a2" in filtered and "edge-a1" not in filtered
    by_device = client.get("/alarms/?device=edge", HTTP_HX_REQUEST="true").content.decode()
    assert "edge-a1" in by_device and "core-a2" not in by_device and "<html" not in by_device


def test_bulk_acknowledge_by_role(world: World, ui) -> None:
    mine, theirs = _alarm(world.a, "edge-a1"), _alarm(world.b, "edge-b1")
    form = {"alarm": [mine.pk, theirs.pk], "comment": "looking", "next": "state=open"}
    assert ui("viewer").post("/alarms/acknowledge/", form).status_code == 403
    response = ui("operator").post("/alarms/acknowledge/", form)
    assert response.status_code == 302 and response["Location"] == "/alarms/?state=open"
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.state, mine.ack_comment) == ("acknowledged", "looking")
    assert theirs.state == "active"  # another customer's id is simply not found


def test_dashboard_shows_open_alarm_counts(world: World, ui) -> None:
    _alarm(world.a, "edge-a1")
    _alarm(world.a, "edge-a2")
    _alarm(world.a, "core-a3", severity="critical")
    _alarm(world.b, "edge-b1")
    page = ui("viewer").get("/").content.decode()
    assert 'data-alarm-count="major">2<' in page and 'data-alarm-count="critical">1<' in page


def test_console_filters_by_location_subtree_and_explains_bad_filters(world: World, ui) -> None:
    region = f.RegionFactory(customer=world.a)
    site = f.SiteFactory(customer=world.a, name="AMS1", region=region)
    Device.objects.filter(pk=_alarm(world.a, "edge-a1").device_id).update(site=site)
    _alarm(world.a, "core-a2")
    client = ui("viewer")
    page = client.get(f"/alarms/?within=region:{region.pk}").content.decode()
    assert "edge-a1" in page and "core-a2" not in page
    for query in ({"within": "planet:9"}, {"device": "edge\x00"}, {"state": "bogus"}):
        response = client.get("/alarms/", query, HTTP_HX_REQUEST="true")
        body = response.content.decode()
        assert response.status_code == 200 and 'id="alarm-filter-errors"' in body, query
        assert "edge-a1" not in body
