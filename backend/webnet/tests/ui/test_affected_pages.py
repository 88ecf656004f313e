"""Customers affected on the incident and maintenance window pages, and their CSV for notices:
from the devices, alarms and places they name to the live services and subscribers behind
them, through the gate (another customer's page is a 404; a site-scoped member sees only the
services of that site)."""

import csv
import io

import pytest
from django.test import Client

from webnet.customers.models import Role
from webnet.tests import factories as f


@pytest.fixture
def net(world):  # type: ignore[no-untyped-def]
    """A's POP (site "pop-1", device bng-1) and a second site; services on both, one of them
    terminated; a subscriber who lives in a room of pop-1 but is served from the other site."""
    bng = f.DeviceFactory(customer=world.a, hostname="bng-1", site="pop-1")
    far = f.DeviceFactory(customer=world.a, hostname="olt-9", site="pop-2")
    room = f.LocationFactory(site=bng.site, name="basement")
    f.ServiceInstanceFactory(
        subscriber__customer=world.a,
        subscriber__account_number="ACC-1",
        subscriber__name="=HYPERLINK(evil)",
        device=bng,
    )
    f.ServiceInstanceFactory(
        subscriber__customer=world.a,
        subscriber__account_number="ACC-0",
        device=bng,
        status="terminated",
    )
    f.ServiceInstanceFactory(
        subscriber__customer=world.a,
        subscriber__account_number="ACC-2",
        subscriber__location=room,
        device=far,
    )
    f.ServiceInstanceFactory(
        subscriber__customer=world.a, subscriber__account_number="ACC-3", device=far
    )
    f.ServiceInstanceFactory(subscriber__customer=world.b, subscriber__account_number="B-1")
    return {"bng": bng, "far": far, "room": room}


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def _csv_accounts(response) -> list[str]:  # type: ignore[no-untyped-def]
    assert response["Content-Type"] == "text/csv"
    rows = csv.DictReader(io.StringIO(response.content.decode()))
    return [row["account_number"] for row in rows]


def test_an_incident_lists_who_is_behind_its_alarm_and_its_place(world, net) -> None:
    # given: an incident on an alarm of bng-1 and on the basement room
    incident = f.IncidentFactory(customer=world.a, title="POP-1 power")
    incident.alarms.add(f.AlarmFactory(customer=world.a, device=net["bng"]))
    incident.locations.add(net["room"])
    viewer = _client(world.viewer)
    # when
    page = viewer.get(f"/incidents/{incident.pk}/").content.decode()
    export = viewer.get(f"/incidents/{incident.pk}/affected/?format=csv")
    # then: the service on the BNG and the subscriber living in the room; not the terminated,
    # not the other site's, not B's
    assert 'data-affected="2"' in page
    assert 'data-account="ACC-1"' in page and 'data-account="ACC-2"' in page
    assert "ACC-0" not in page and "ACC-3" not in page and "B-1" not in page
    assert _csv_accounts(export) == ["ACC-1", "ACC-2"]
    assert "'=HYPERLINK(evil)" in export.content.decode()  # never a spreadsheet formula
    # then: another customer's incident is not found, page or CSV
    outsider = _client(world.outsider)
    assert outsider.get(f"/incidents/{incident.pk}/affected/?format=csv").status_code == 404
    assert outsider.get(f"/incidents/{incident.pk}/affected/").status_code == 404


def test_a_maintenance_window_lists_who_is_behind_its_site_for_each_member(world, net) -> None:
    # given: a window on site pop-1 and one on olt-9
    on_site = f.MaintenanceWindowFactory(customer=world.a, name="pop-1 works")
    on_site.sites.add(net["bng"].site)
    on_olt = f.MaintenanceWindowFactory(customer=world.a, name="olt", devices=[net["far"]])
    viewer = _client(world.viewer)
    # when / then: the list links each window's affected page
    listing = viewer.get("/maintenance/").content.decode()
    assert f"/maintenance/{on_site.pk}/affected/" in listing
    page = viewer.get(f"/maintenance/{on_site.pk}/affected/").content.decode()
    assert 'data-account="ACC-1"' in page and 'data-account="ACC-2"' in page
    assert "ACC-3" not in page and "B-1" not in page
    olt = viewer.get(f"/maintenance/{on_olt.pk}/affected/?format=csv")
    assert _csv_accounts(olt) == ["ACC-2", "ACC-3"]
    # then: a member scoped to pop-2 sees only pop-2's services, even behind pop-1's window
    scoped = _client(
        f.MembershipFactory(customer=world.a, role=Role.VIEWER, scope_site=net["far"].site).user
    )
    behind_pop1 = scoped.get(f"/maintenance/{on_site.pk}/affected/?format=csv")
    assert _csv_accounts(behind_pop1) == ["ACC-2"]  # served from pop-2; ACC-1 is not theirs
    # then: another customer's window is not found
    assert _client(world.outsider).get(f"/maintenance/{on_site.pk}/affected/").status_code == 404
