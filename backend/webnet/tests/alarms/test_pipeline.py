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
