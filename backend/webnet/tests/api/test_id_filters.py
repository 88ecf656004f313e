"""Every list filter that takes an id answers the same for another customer's id as for a missing
one (no existence oracle): generated from the router, so a new route or filter is covered too."""

from collections.abc import Callable
from typing import Any

import django_filters
import pytest
from django.db.models import Max, Model

from webnet.alarms.models import Alarm
from webnet.api.filters import FilterBackend
from webnet.api.urls import router
from webnet.compliance.models import CompliancePolicy, ComplianceRule, ComplianceRun
from webnet.customers.models import Customer
from webnet.devices.models import Credential, Device, DeviceGroup
from webnet.incidents.models import EscalationChain, OnCallSchedule, Rotation, Team
from webnet.jobs.models import Job, Schedule
from webnet.locations.models import Location, Rack, Region, Site
from webnet.monitoring.models import PollProfile, SnmpCredential
from webnet.notifications.models import OutboxMessage, Sink
from webnet.tests import factories as f
from webnet.tests.conftest import World
from webnet.users.models import User

# Filters that name no model field (they filter through a method): the model their id is of.
METHOD_FILTER_MODELS: dict[str, type[Model]] = {"device": Device, "group": DeviceGroup}

# How to make customer B's instance of each model an id filter points at.
FOREIGN: dict[type[Model], Callable[[World], Model]] = {
    Customer: lambda world: world.b,
    User: lambda world: world.outsider,
    Credential: lambda world: f.CredentialFactory(customer=world.b),
    Device: lambda world: f.DeviceFactory(customer=world.b),
    DeviceGroup: lambda world: f.DeviceGroupFactory(customer=world.b),
    Job: lambda world: f.JobFactory(customer=world.b),
    Schedule: lambda world: f.ScheduleFactory(customer=world.b, owner=world.outsider),
    ComplianceRun: lambda world: f.ComplianceRunFactory(customer=world.b),
    CompliancePolicy: lambda world: f.CompliancePolicyFactory(customer=world.b),
    ComplianceRule: lambda world: f.ComplianceRuleFactory(policy__customer=world.b),
    Region: lambda world: f.RegionFactory(customer=world.b),
    Site: lambda world: f.SiteFactory(customer=world.b),
    Location: lambda world: f.LocationFactory(site__customer=world.b),
    Rack: lambda world: f.RackFactory(site=f.SiteFactory(customer=world.b)),
    SnmpCredential: lambda world: f.SnmpCredentialFactory(customer=world.b),
    PollProfile: lambda world: f.PollProfileFactory(customer=world.b),
    Alarm: lambda world: f.AlarmFactory(customer=world.b),
    Sink: lambda world: f.SinkFactory(customer=world.b),
    Team: lambda world: f.TeamFactory(customer=world.b),
    EscalationChain: lambda world: f.EscalationChainFactory(customer=world.b),
    OnCallSchedule: lambda world: f.OnCallScheduleFactory(customer=world.b),
    Rotation: lambda world: Rotation.objects.create(
        customer=world.b,
        schedule=f.OnCallScheduleFactory(customer=world.b),
        name="r",
        handoff_time="09:00",
        start_date="2026-01-05",
    ),
    OutboxMessage: lambda world: OutboxMessage.objects.create(
        customer=world.b, topic="alarm", key="k", state="firing", severity="minor", title="t"
    ),
}
# Number filters whose value is a reading, not an object's id (an interface index, a status).
VALUE_FILTERS = {"if_index", "oper_status", "admin_status"}

ID_FILTER_TYPES = (django_filters.NumberFilter, django_filters.ModelChoiceFilter)


def _related_model(model: type[Model], name: str, flt: Any) -> type[Model] | None:
    field_name = flt.field_name.split("__")[0]
    try:
        field = model._meta.get_field(field_name)
    except Exception:
        return METHOD_FILTER_MODELS.get(name)
    return field.related_model if field.is_relation else None


def _id_filters() -> list[tuple[str, str, type[Model] | None]]:
    found = []
    for prefix, viewset, _ in router.registry:
        if not hasattr(viewset, "list"):
            continue
        view = viewset()
        queryset = viewset.queryset
        filterset = FilterBackend().get_filterset_class(view, queryset)
        for name, flt in (filterset.base_filters if filterset else {}).items():
            related = _related_model(queryset.model, name, flt)
            if name in VALUE_FILTERS and related is None:
                continue
            if related is not None or isinstance(flt, ID_FILTER_TYPES):
                found.append((prefix, name, related))
    return found


ID_FILTERS = _id_filters()


def test_id_filters_are_found_and_each_names_its_model() -> None:
    assert len(ID_FILTERS) >= 45
    assert [(p, n) for p, n, model in ID_FILTERS if model not in FOREIGN] == []


@pytest.mark.parametrize(
    ("prefix", "name", "model"), ID_FILTERS, ids=[f"{p}?{n}" for p, n, _ in ID_FILTERS]
)
def test_foreign_and_missing_ids_answer_the_same(
    world: World, api: Any, prefix: str, name: str, model: type[Model]
) -> None:
    """Given customer B's existing object and an id no object has, customer A's admin gets the
    same answer for both: 200 and an empty page."""
    foreign = FOREIGN[model](world)
    missing = (model._default_manager.aggregate(top=Max("pk"))["top"] or 0) + 1000
    client = api("admin")
    seen = client.get(f"/api/v1/{prefix}/?{name}={foreign.pk}")
    unseen = client.get(f"/api/v1/{prefix}/?{name}={missing}")
    assert (seen.status_code, seen.json()) == (unseen.status_code, unseen.json())
    assert seen.status_code == 200 and seen.json()["results"] == []


@pytest.mark.parametrize("value", ["abc", "0", str(2**70)])
def test_an_impossible_id_is_a_field_error(world: World, api: Any, value: str) -> None:
    """Not a whole number, or outside any primary key's range: a 400 naming the filter."""
    response = api("admin").get(f"/api/v1/memberships/?user={value}")
    assert response.status_code == 400 and "user" in response.json()
