"""Alarms in maintenance, through alarms.ingest.record_events: a "suppress" window keeps its
device's (and its child's) alarms unsent, "mute" records them unsent, "flag" pages as usual; when
the window ends the tick releases what is still open and a still-down device pages then."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from webnet.alarms import maintenance
from webnet.alarms.ingest import EventIn, record_events
from webnet.alarms.models import Alarm
from webnet.networkops.models import DeviceParent
from webnet.notifications.models import OutboxMessage
from webnet.tests import factories as f

pytestmark = pytest.mark.django_db


def down(device):
    return EventIn(
        customer_id=device.customer_id,
        source="poll",
        device_id=device.pk,
        condition="device.down",
        action="raise",
        severity="critical",
        message="no answer",
    )


def fired(device) -> list[str]:
    alarm = Alarm.objects.get(device=device)
    return list(
        OutboxMessage.objects.filter(key=f"alarm:{alarm.pk}").values_list("state", flat=True)
    )


@pytest.mark.parametrize(
    ("behaviour", "pages"), [("suppress", False), ("mute", False), ("flag", True)]
)
def test_a_window_over_a_router_and_its_child(behaviour, pages):
    # given a router with a single-homed child, both in a one-hour window, a third outside it
    router = f.DeviceFactory()
    customer = router.customer
    child, outside = f.DeviceFactory(customer=customer), f.DeviceFactory(customer=customer)
    DeviceParent.objects.create(customer=customer, device=child, parent=router)
    start = timezone.now()
    window = f.MaintenanceWindowFactory(
        customer=customer, devices=[router], behaviour=behaviour, starts_at=start
    )
    # when all three go down during the window
    with time_machine.travel(start + timedelta(minutes=5), tick=False):
        record_events([down(router), down(child), down(outside)])
    # then the router's and the child's alarms are recorded, in maintenance by the window
    for device in (router, child):
        alarm = Alarm.objects.get(device=device)
        assert (alarm.maintenance_id, alarm.maintenance_behaviour) == (window.pk, behaviour)
        assert fired(device) == (["firing"] if pages and device == router else [])
    assert fired(outside) == ["firing"]
    # when the window has ended and the tick runs (twice: idempotent)
    with time_machine.travel(start + timedelta(hours=1, minutes=1), tick=False):
        maintenance.reevaluate(timezone.now())
        assert maintenance.reevaluate(timezone.now()) == {"alarms": 0}
    # then the still-down router pages (once), released from the window
    alarm = Alarm.objects.get(device=router)
    assert (alarm.maintenance_id, alarm.maintenance_behaviour) == (None, "")
    assert fired(router) == ["firing"]


def test_an_alarm_open_before_a_window_is_marked_when_it_starts():
    router = f.DeviceFactory()
    record_events([down(router)])
    window = f.MaintenanceWindowFactory(customer=router.customer, devices=[router])
    assert maintenance.reevaluate(timezone.now() + timedelta(seconds=1)) == {"alarms": 1}
    assert Alarm.objects.get(device=router).maintenance_id == window.pk
