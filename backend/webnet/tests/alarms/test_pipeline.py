"""The whole NOC path in one transaction per batch: a poll's state change → an alarm → one outbox
row per destination; a child behind a down core is suppressed and pages nobody; recovery
resolves what fired."""

import pytest

from webnet.alarms.models import Alarm
from webnet.monitoring.persist import record_polls
from webnet.networkops.models import DeviceParent
from webnet.notifications.models import Delivery, OutboxMessage
from webnet.tests import factories as f
from webnet.tests.monitoring.test_persist import down, poll

pytestmark = pytest.mark.django_db


def test_a_core_failure_pages_once_and_its_children_are_suppressed() -> None:
    # given a core router with two access switches behind it, and the NOC routed to the inbox
    core = f.DeviceFactory(hostname="core1")
    customer = core.customer
    children = [f.DeviceFactory(customer=customer) for _ in range(2)]
    for child in children:
        DeviceParent.objects.create(customer=customer, device=child, parent=core)
    noc = f.MembershipFactory(customer=customer, role="operator").user
    f.RoutingRuleFactory(customer=customer, users=[noc])
    record_polls([poll(d, 0) for d in [core, *children]])
    # when the core and everything behind it stop answering
    record_polls([down(d, 1) for d in [core, *children]])
    # then one root alarm fires; the children's alarms are suppressed by it and page nobody
    root = Alarm.objects.get(device=core, condition="device.down")
    assert root.suppressed_by_id is None
    assert Alarm.objects.filter(device__in=children).exclude(suppressed_by=root).count() == 0
    assert list(OutboxMessage.objects.values_list("key", "state")) == [
        (f"alarm:{root.pk}", "firing")
    ]
    assert Delivery.objects.filter(user=noc).count() == 1
    # when the core answers again (the children with it), the root alarm resolves
    record_polls([poll(d, 2) for d in [core, *children]])
    assert set(OutboxMessage.objects.values_list("key", "state")) == {
        (f"alarm:{root.pk}", "firing"),
        (f"alarm:{root.pk}", "resolved"),
    }


def test_a_routing_rule_by_location_pages_for_devices_anywhere_in_its_subtree() -> None:
    # given a building with a room inside it, and a rule for the building's NOC
    building = f.LocationFactory(name="B1")
    customer = building.customer
    room = f.LocationFactory(site=building.site, parent=building, name="R101")
    elsewhere = f.LocationFactory(site=building.site, name="B2")
    inside = f.DeviceFactory(customer=customer, site=building.site, location=room)
    outside = f.DeviceFactory(customer=customer, site=building.site, location=elsewhere)
    noc = f.MembershipFactory(customer=customer, role="operator").user
    f.RoutingRuleFactory(customer=customer, users=[noc], location_ids=[building.pk])
    record_polls([poll(d, 0) for d in (inside, outside)])
    # when both devices go down, then only the one in the building's subtree pages its NOC
    record_polls([down(d, 1) for d in (inside, outside)])
    (delivery,) = Delivery.objects.filter(user=noc)
    assert delivery.message.device_id == inside.pk
    assert delivery.message.location_id == room.pk
    # and its recovery resolves to the same destination
    record_polls([poll(d, 2) for d in (inside, outside)])
    assert Delivery.objects.filter(user=noc).count() == 2
