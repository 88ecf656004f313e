"""Incident services: the log is the record, the row agrees with it, roles are checked, and
the transitions (pause statuses, reopen) are the allowed ones."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from webnet.incidents import services
from webnet.incidents.models import ImmutableEventError, IncidentEvent, Status
from webnet.tests import factories as f

pytestmark = pytest.mark.django_db


def test_open_ack_wait_resolve_reopen_close_writes_one_event_each_and_row_agrees(world) -> None:
    # given an operator and a device at a site
    site = f.SiteFactory(customer=world.a)
    device = f.DeviceFactory(customer=world.a, site=site)
    t0 = timezone.now()
    incident = services.open_incident(
        world.operator, customer=world.a, title="core down", priority="p1", devices=[device], at=t0
    )
    # when it is worked through its life
    services.acknowledge_incident(world.operator, incident, at=t0 + timedelta(minutes=1))
    services.set_status(
        world.operator, incident, status=Status.WAITING_VENDOR, at=t0 + timedelta(minutes=2)
    )
    services.add_note(world.operator, incident, text="called the carrier", public=True)
    services.resolve_incident(world.operator, incident, at=t0 + timedelta(minutes=3))
    services.reopen_incident(world.operator, incident, at=t0 + timedelta(minutes=4))
    services.resolve_incident(world.operator, incident, at=t0 + timedelta(minutes=5))
    incident = services.close_incident(world.operator, incident, at=t0 + timedelta(minutes=6))
    # then the log holds every step in order and the row says what the log says
    log = list(incident.events.values_list("seq", "kind", "value"))
    assert [kind for _, kind, _ in log] == [
        "opened",
        "linked",
        "status",
        "status",
        "note",
        "response",
        "status",
        "status",
        "status",
        "status",
    ]
    assert [seq for seq, _, _ in log] == list(range(1, 11))
    statuses = [v for _, k, v in log if k == "status"]
    assert statuses[-1] == incident.status == Status.CLOSED
    assert incident.acknowledged_at == t0 + timedelta(minutes=1)
    assert incident.reopen_count == 1 and incident.first_response_at is not None
    assert (incident.site_id, incident.number) == (site.pk, 1)


def test_transitions_outside_the_table_are_field_errors(world) -> None:
    incident = services.open_incident(world.operator, customer=world.a, title="x")
    with pytest.raises(ValidationError) as error:
        services.close_incident(world.operator, incident)
    assert "status" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.reopen_incident(world.operator, incident)
    with pytest.raises(ValidationError):
        services.set_status(world.operator, incident, status="bogus")


def test_roles_and_customers_are_checked(world) -> None:
    with pytest.raises(PermissionDenied):
        services.open_incident(world.viewer, customer=world.a, title="x")
    incident = services.open_incident(world.operator, customer=world.a, title="x")
    with pytest.raises(PermissionDenied):
        services.acknowledge_incident(world.outsider, incident)
    with pytest.raises(ValidationError):
        services.assign_incident(world.operator, incident, assignee=world.outsider)
    other_device = f.DeviceFactory(customer=world.b)
    with pytest.raises(ValidationError):
        services.link_objects(world.operator, incident, devices=[other_device])


def test_assigning_makes_a_watcher_and_numbers_count_per_customer(world) -> None:
    first = services.open_incident(world.operator, customer=world.a, title="a")
    services.assign_incident(world.operator, first, assignee=world.admin)
    assert list(first.watchers.all()) == [world.admin]
    second = services.open_incident(world.operator, customer=world.a, title="b")
    other = services.open_incident(world.outsider, customer=world.b, title="c")
    assert (first.number, second.number, other.number) == (1, 2, 1)


def test_events_are_append_only(world) -> None:
    incident = services.open_incident(world.operator, customer=world.a, title="x")
    event = incident.events.get()
    event.value = "resolved"
    with pytest.raises(ImmutableEventError):
        event.save()
    with pytest.raises(ImmutableEventError):
        IncidentEvent.objects.filter(pk=event.pk).update(value="resolved")
    with pytest.raises(ImmutableEventError):
        IncidentEvent.objects.filter(pk=event.pk).delete()
