"""An alarm of no device (an inbound webhook's) pages and opens incidents by its resource: the
outbox row and the incident name what it is about, carry no device or location, and a rule
limited to a location subtree or a device group does not take it."""

import pytest
from rest_framework.test import APIClient

from webnet.alarms.models import Alarm
from webnet.incidents.models import Incident, IncidentRule
from webnet.notifications.models import OutboxMessage
from webnet.tests import factories as f
from webnet.tests.conftest import World

pytestmark = pytest.mark.django_db

EVENT = {"condition": "backup.failed", "severity": "critical", "resource": "nightly-backup"}


def _post(api, world: World, body: dict) -> None:
    created = api("admin").post("/api/v1/webhook-tokens/", {"customer": world.a.pk, "name": "ci"})
    auth = f"Bearer {created.json()['token']}"
    response = APIClient().post(
        "/api/v1/inbound-events/", body, format="json", HTTP_AUTHORIZATION=auth
    )
    assert response.status_code == 202, response.content


def test_a_deviceless_alarm_pages_and_opens_an_incident_named_by_its_resource(
    world: World, api
) -> None:
    # given a rule that takes every alarm of the customer
    IncidentRule.objects.create(customer=world.a, name="all", priority="p2")
    # when a webhook raises an alarm that names no device
    _post(api, world, EVENT)
    # then the alarm, its page and its incident are about the resource, with no device or place
    alarm = Alarm.objects.get()
    assert (alarm.device_id, alarm.resource) == (None, "nightly-backup")
    page = OutboxMessage.objects.get(topic="alarm", state="firing")
    assert (page.title, page.device_id, page.location_id) == (
        "backup.failed on nightly-backup",
        None,
        None,
    )
    incident = Incident.objects.get()
    assert incident.title == "backup.failed on nightly-backup"
    assert list(incident.alarms.all()) == [alarm] and not incident.devices.exists()
    # and its clear resolves the page that was sent
    _post(api, world, {**EVENT, "action": "clear"})
    assert OutboxMessage.objects.filter(topic="alarm", state="resolved").count() == 1


def test_a_rule_scoped_to_places_or_devices_does_not_take_a_deviceless_alarm(
    world: World, api
) -> None:
    region = f.RegionFactory(customer=world.a)
    group = f.DeviceGroupFactory(customer=world.a)
    IncidentRule.objects.create(customer=world.a, name="region", within=f"region:{region.pk}")
    IncidentRule.objects.create(customer=world.a, name="group", device_group=group)
    _post(api, world, EVENT)
    assert Alarm.objects.filter(device__isnull=True).count() == 1
    assert not Incident.objects.exists()
