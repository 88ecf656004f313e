"""Inhibited alarms page nobody; when their source clears they fire (outbox), like a released
suppressed child."""

import pytest

from webnet.alarms import ingest, services
from webnet.alarms.ingest import EventIn
from webnet.alarms.models import Alarm, InhibitRule
from webnet.notifications.models import OutboxMessage
from webnet.tests import factories as f

pytestmark = pytest.mark.django_db


def _alert(customer, condition: str, action: str = "raise") -> EventIn:
    return EventIn(
        customer.pk,
        "webhook",
        condition=condition,
        action=action,
        severity="major",
        resource="site:ams",
        labels={"site": "ams"},
    )


def test_an_inhibited_alarm_fires_when_its_source_clears() -> None:
    customer = f.CustomerFactory()
    f.RoutingRuleFactory(customer=customer, users=[f.UserFactory()])
    InhibitRule.objects.create(
        customer=customer,
        name="power-mutes-links",
        source_matchers=[{"name": "condition", "value": "power.lost"}],
        target_matchers=[{"name": "condition", "value": "uplink.down"}],
        equal=["site"],
    )
    ingest.record_events([_alert(customer, "power.lost"), _alert(customer, "uplink.down")])
    source, target = (
        Alarm.objects.get(condition="power.lost"),
        Alarm.objects.get(condition="uplink.down"),
    )
    assert target.inhibited_by_id == source.pk and source.inhibited_by_id is None
    assert list(OutboxMessage.objects.values_list("key", flat=True)) == [f"alarm:{source.pk}"]
    services.clear_by_hand(f.MembershipFactory(customer=customer, role="operator").user, source)
    target.refresh_from_db()
    assert target.inhibited_by_id is None
    fired = OutboxMessage.objects.filter(key=f"alarm:{target.pk}", state="firing")
    assert fired.count() == 1
