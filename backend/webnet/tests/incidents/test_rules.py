"""Alarms open incidents by rule (severity, location subtree, device group), one per root
problem; a cleared alarm is a log line, and resolves only when the rule says so."""

import pytest

from webnet.alarms import ingest
from webnet.alarms.ingest import EventIn
from webnet.alarms.models import Alarm
from webnet.incidents.models import Incident, IncidentRule
from webnet.tests import factories as f

pytestmark = pytest.mark.django_db


def poll(device, action: str) -> EventIn:
    return EventIn(
        device.customer_id,
        "poll",
        device_id=device.pk,
        condition="device.down",
        action=action,
        severity="critical",
    )


def _world():
    region = f.RegionFactory()
    site = f.SiteFactory(customer=region.customer, region=region)
    core = f.DeviceFactory(customer=region.customer, site=site, hostname="core1")
    edge = f.DeviceFactory(customer=region.customer, site=site, hostname="edge1")
    return region, core, edge


def test_a_root_alarm_opens_one_incident_and_its_suppressed_child_joins_it() -> None:
    region, core, edge = _world()
    rule = IncidentRule.objects.create(
        customer=region.customer, name="region", within=f"region:{region.pk}", priority="p1"
    )
    parents = {edge.pk: {core.pk}}
    ingest.record_events([poll(core, "raise"), poll(edge, "raise")], parents_of=lambda c: parents)
    incident = Incident.objects.get()
    assert (incident.rule, incident.priority, incident.title) == (
        rule,
        "p1",
        "device.down on core1",
    )
    assert set(incident.alarms.values_list("device__hostname", flat=True)) == {"core1", "edge1"}
    assert incident.site == core.site


def test_a_clear_is_logged_and_resolves_only_when_the_rule_says_so() -> None:
    region, core, _ = _world()
    rule = IncidentRule.objects.create(customer=region.customer, name="all")
    ingest.record_event(poll(core, "raise"))
    ingest.record_event(poll(core, "clear"))
    incident = Incident.objects.get()
    assert incident.status == "triggered"
    assert incident.events.filter(kind="alarm_cleared").count() == 1
    rule.auto_resolve = True
    rule.save()
    ingest.record_event(poll(core, "raise"))  # a new alarm: a new incident
    ingest.record_event(poll(core, "clear"))
    assert list(Incident.objects.order_by("number").values_list("status", flat=True)) == [
        "triggered",
        "resolved",
    ]


def test_alarms_outside_the_rules_scope_or_group_open_nothing() -> None:
    region, core, _ = _world()
    other = f.RegionFactory(customer=region.customer)
    group = f.DeviceGroupFactory(customer=region.customer)
    IncidentRule.objects.create(
        customer=region.customer, name="elsewhere", within=f"region:{other.pk}"
    )
    IncidentRule.objects.create(customer=region.customer, name="group", device_group=group)
    IncidentRule.objects.create(
        customer=region.customer, name="crit", min_severity="critical", enabled=False
    )
    ingest.record_event(poll(core, "raise"))
    assert not Incident.objects.exists()
    group.devices.add(core)
    ingest.record_event(poll(core, "clear"))
    ingest.record_event(poll(core, "raise"))
    assert Incident.objects.get().rule.name == "group"


def test_a_storm_of_alarms_costs_the_listener_a_few_queries_not_some_per_alarm(
    django_assert_max_num_queries,
) -> None:
    from webnet.incidents import rules

    region, core, edge = _world()
    IncidentRule.objects.create(customer=region.customer, name="majors", min_severity="critical")
    other = f.RegionFactory(customer=region.customer)
    group = f.DeviceGroupFactory(customer=region.customer)
    IncidentRule.objects.create(  # each alarm passes its severity, none its scope
        customer=region.customer, name="elsewhere", within=f"region:{other.pk}"
    )
    IncidentRule.objects.create(customer=region.customer, name="group", device_group=group)
    items = [
        EventIn(
            core.customer_id,
            "poll",
            device_id=device.pk,
            if_index=n,
            condition="interface.down",
            action="raise",
            severity="major",
        )
        for device in (core, edge)
        for n in range(1, 51)
    ]
    ingest.record_events(items)  # below one rule's severity, outside the others' scope
    alarms = list(Alarm.objects.all())
    assert len(alarms) == 100
    # links, rules, and per scoped rule its devices (a region's, a group's tree and members)
    with django_assert_max_num_queries(7):
        rules.on_alarm_changes([(alarm, "raised") for alarm in alarms])
    assert not Incident.objects.exists()
