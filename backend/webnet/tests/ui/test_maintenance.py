"""Maintenance pages: the window form refuses a clash on the same device (naming it) and warns
about a neighbour; the calendar lists windows, freezes and scheduled changes per day."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from django.test import Client
from django.urls import reverse

from webnet.maintenance.models import MaintenanceWindow
from webnet.tests import factories as f
from webnet.tests.conftest import World


def form(device, name: str) -> dict:
    return {
        "name": name,
        "starts_at": "2030-03-01T22:00",
        "ends_at": "2030-03-02T02:00",
        "time_zone": "UTC",
        "behaviour": "suppress",
        "devices": [device.pk],
    }


def test_window_form_refuses_a_clash_and_the_calendar_shows_the_day(
    world: World, ui: Callable[[str], Client]
) -> None:
    router = f.DeviceFactory(customer=world.a, site="fra1")
    url = reverse("ui:maintenance_create")
    assert ui("viewer").get(url).status_code == 403
    client = ui("operator")
    assert client.post(url, form(router, "splice")).status_code == 302
    clash = client.post(url, form(router, "again"))
    assert (
        clash.status_code == 400
        and "maintenance window &#x27;splice&#x27;" in clash.content.decode()
    )
    assert not MaintenanceWindow.objects.filter(name="again").exists()
    f.FreezeWindowFactory(
        customer=world.a,
        name="quarter end",
        starts_at=datetime(2030, 3, 2, tzinfo=UTC),
        ends_at=datetime(2030, 3, 3, tzinfo=UTC),
    )
    html = client.get(
        reverse("ui:calendar"), {"view": "month", "date": "2030-03-15"}
    ).content.decode()
    assert "Maintenance: splice" in html and "2030-03-01 22:00:00 UTC" in html
    assert html.count("Freeze: quarter end") == 1
    week = client.get(
        reverse("ui:calendar"), {"view": "day", "date": "2030-03-02"}
    ).content.decode()
    assert "Maintenance: splice" in week  # still open after midnight
    listing = client.get(reverse("ui:maintenance_list")).content.decode()
    assert "splice" in listing and "scheduled" in listing
    # another customer's window is not reachable
    other = f.MaintenanceWindowFactory(
        customer=world.b, starts_at=datetime(2030, 3, 1, tzinfo=UTC) + timedelta(hours=1)
    )
    assert client.get(reverse("ui:maintenance_edit", args=[other.pk])).status_code == 404
