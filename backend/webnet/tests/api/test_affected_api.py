"""The customers affected by an incident or a maintenance window over the API (JSON, or the
notice CSV): viewers of the customer read them; another customer gets a 404; a bad format is a
field error."""

import pytest

from webnet.tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def bng(world):  # type: ignore[no-untyped-def]
    device = f.DeviceFactory(customer=world.a, hostname="bng-3")
    f.ServiceInstanceFactory(
        subscriber__customer=world.a, subscriber__account_number="ACC-5", device=device
    )
    f.ServiceInstanceFactory(subscriber__customer=world.b, subscriber__account_number="B-5")
    return device


def test_incident_and_window_affected_by_api(world, api, bng) -> None:
    # given
    incident = f.IncidentFactory(customer=world.a)
    incident.devices.add(bng)
    window = f.MaintenanceWindowFactory(customer=world.a, devices=[bng])
    urls = [
        f"/api/v1/incidents/{incident.pk}/affected/",
        f"/api/v1/maintenance-windows/{window.pk}/affected/",
    ]
    for url in urls:
        # when / then: JSON rows and the CSV for the viewer of A
        rows = api("viewer").get(url)
        assert rows.status_code == 200, rows.content
        assert [(r["account_number"], r["device"]) for r in rows.json()] == [("ACC-5", "bng-3")]
        export = api("viewer").get(url, {"file_format": "csv"})
        assert export["Content-Type"] == "text/csv"
        assert "ACC-5" in b"".join(export.streaming_content).decode()
        # then: a bad format is a field error; another customer and anonymous learn nothing
        assert set(api("viewer").get(url, {"file_format": "xls"}).json()) == {"file_format"}
        assert api("outsider").get(url).status_code == 404
        assert api("anonymous").get(url).status_code == 401
