"""Generated contracts of what incidents are worked with: teams, rules, SLA policies, calendars,
escalation chains and steps, on-call schedules, rotations, members and overrides."""

from datetime import date, time, timedelta
from typing import Any

import pytest
from django.utils import timezone

from webnet.incidents.models import (
    BusinessCalendar,
    EscalationStep,
    IncidentRule,
    Override,
    Rotation,
    RotationMember,
)
from webnet.tests import factories as f
from webnet.tests.api.contract import ResourceContract
from webnet.tests.conftest import World

pytestmark = pytest.mark.django_db
ADMIN_WRITES = {"view": "viewer", "add": "admin", "change": "admin", "delete": "admin"}


def _rotation(customer) -> Rotation:
    schedule = f.OnCallScheduleFactory(customer=customer)
    return Rotation.objects.create(
        customer=customer,
        schedule=schedule,
        name="r",
        handoff_time=time(9),
        start_date=date(2026, 1, 5),
    )


class TestTeams(ResourceContract):
    endpoint = "teams"
    least_role = ADMIN_WRITES

    def make(self, world: World) -> Any:
        return f.TeamFactory(customer=world.a, members=[world.operator])

    def create_payload(self, world: World) -> dict:
        return {"customer": world.a.pk, "name": "noc", "members": [world.operator.pk]}

    def update_payload(self, world: World) -> dict:
        return {"members": [world.viewer.pk, world.admin.pk]}

    def test_strangers_are_not_members(self, world: World, api: Any) -> None:
        payload = {"customer": world.a.pk, "name": "x", "members": [world.outsider.pk]}
        response = api("admin").post(self.url(), payload, format="json")
        assert response.status_code == 400 and "does not exist" in str(response.json())


class TestIncidentRules(ResourceContract):
    endpoint = "incident-rules"
    least_role = ADMIN_WRITES
    related = {
        "team": lambda c: f.TeamFactory(customer=c),
        "escalation_chain": lambda c: f.EscalationChainFactory(customer=c),
        "sla_policy": lambda c: f.SlaPolicyFactory(customer=c),
        "device_group": lambda c: f.DeviceGroupFactory(customer=c),
    }

    def make(self, world: World) -> Any:
        return IncidentRule.objects.create(customer=world.a, name=f"rule-{timezone.now()}")

    def create_payload(self, world: World) -> dict:
        region = f.RegionFactory(customer=world.a)
        return {"customer": world.a.pk, "name": "core", "within": f"region:{region.pk}"}

    def update_payload(self, world: World) -> dict:
        return {"priority": "p1", "auto_resolve": True}

    def test_a_foreign_or_malformed_node_is_a_field_error(self, world: World, api: Any) -> None:
        foreign = f.RegionFactory(customer=world.b)
        for within in (f"region:{foreign.pk}", "planet:3"):
            payload = {"customer": world.a.pk, "name": "x", "within": within}
            response = api("admin").post(self.url(), payload, format="json")
            assert response.status_code == 400 and "within" in response.json()


class TestSlaPolicies(ResourceContract):
    endpoint = "sla-policies"
    least_role = ADMIN_WRITES
    related = {"calendar": lambda c: BusinessCalendar.objects.create(customer=c, name="c")}

    def make(self, world: World) -> Any:
        return f.SlaPolicyFactory(customer=world.a)

    def create_payload(self, world: World) -> dict:
        return {"customer": world.a.pk, "name": "gold", "targets": {"p1": {"acknowledge": 600}}}

    def update_payload(self, world: World) -> dict:
        return {"at_risk_percent": 75}

    @pytest.mark.parametrize(
        "targets", [{"p9": {}}, {"p1": {"lunch": 5}}, {"p1": {"acknowledge": -1}}, []]
    )
    def test_bad_targets_are_field_errors(self, world: World, api: Any, targets) -> None:
        payload = {"customer": world.a.pk, "name": "x", "targets": targets}
        response = api("admin").post(self.url(), payload, format="json")
        assert response.status_code == 400 and "targets" in response.json()


class TestBusinessCalendars(ResourceContract):
    endpoint = "business-calendars"
    least_role = ADMIN_WRITES

    def make(self, world: World) -> Any:
        return BusinessCalendar.objects.create(customer=world.a, name=f"cal-{timezone.now()}")

    def create_payload(self, world: World) -> dict:
        return {
            "customer": world.a.pk,
            "name": "office",
            "time_zone": "Europe/Berlin",
            "weekly_hours": {"0": [["09:00", "17:00"]]},
            "holiday_country": "DE",
            "holiday_subdivision": "BY",
        }

    def update_payload(self, world: World) -> dict:
        return {"always_open": True}

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("weekly_hours", {"9": []}),
            ("weekly_hours", {"0": [["9", "x"]]}),
            ("time_zone", "Mars/Base"),
            ("holiday_country", "XX"),
            ("extra_holidays", ["soon"]),
        ],
    )
    def test_bad_calendars_are_field_errors(self, world: World, api: Any, field, value) -> None:
        payload = {"customer": world.a.pk, "name": "x", field: value}
        response = api("admin").post(self.url(), payload, format="json")
        assert response.status_code == 400 and field in response.json()


class TestEscalationChains(ResourceContract):
    endpoint = "escalation-chains"
    least_role = ADMIN_WRITES

    def make(self, world: World) -> Any:
        return f.EscalationChainFactory(customer=world.a)

    def create_payload(self, world: World) -> dict:
        return {"customer": world.a.pk, "name": "p1 chain", "ack_timeout_seconds": 1800}

    def update_payload(self, world: World) -> dict:
        return {"description": "wake people"}


class TestEscalationSteps(ResourceContract):
    endpoint = "escalation-steps"
    least_role = ADMIN_WRITES
    related = {
        "chain": lambda c: f.EscalationChainFactory(customer=c),
        "schedule": lambda c: f.OnCallScheduleFactory(customer=c),
    }

    def make(self, world: World) -> Any:
        chain = f.EscalationChainFactory(customer=world.a)
        return EscalationStep.objects.create(
            customer=world.a, chain=chain, position=1, target_kind="user", user=world.operator
        )

    def create_payload(self, world: World) -> dict:
        chain = f.EscalationChainFactory(customer=world.a)
        schedule = f.OnCallScheduleFactory(customer=world.a)
        return {
            "customer": world.a.pk,
            "chain": chain.pk,
            "position": 1,
            "wait_seconds": 300,
            "target_kind": "schedule",
            "schedule": schedule.pk,
        }

    def update_payload(self, world: World) -> dict:
        return {"wait_seconds": 600}

    def test_a_step_names_its_target(self, world: World, api: Any) -> None:
        payload = self.create_payload(world) | {"target_kind": "team"}
        response = api("admin").post(self.url(), payload, format="json")
        assert response.status_code == 400 and "team" in response.json()


class TestOnCallSchedules(ResourceContract):
    endpoint = "oncall-schedules"
    least_role = ADMIN_WRITES

    def make(self, world: World) -> Any:
        return f.OnCallScheduleFactory(customer=world.a)

    def create_payload(self, world: World) -> dict:
        return {"customer": world.a.pk, "name": "network", "time_zone": "Europe/Berlin"}

    def update_payload(self, world: World) -> dict:
        return {"description": "core on-call"}


class TestRotations(ResourceContract):
    endpoint = "rotations"
    least_role = ADMIN_WRITES
    related = {"schedule": lambda c: f.OnCallScheduleFactory(customer=c)}

    def make(self, world: World) -> Any:
        return _rotation(world.a)

    def create_payload(self, world: World) -> dict:
        schedule = f.OnCallScheduleFactory(customer=world.a)
        return {
            "customer": world.a.pk,
            "schedule": schedule.pk,
            "name": "primary",
            "handoff_time": "09:00",
            "start_date": "2026-01-05",
            "length_days": 7,
            "time_zone": "Europe/Berlin",
        }

    def update_payload(self, world: World) -> dict:
        return {"length_days": 1}


class TestRotationMembers(ResourceContract):
    endpoint = "rotation-members"
    least_role = ADMIN_WRITES
    related = {"rotation": _rotation}

    def make(self, world: World) -> Any:
        return RotationMember.objects.create(
            customer=world.a, rotation=_rotation(world.a), user=world.operator, position=0
        )

    def create_payload(self, world: World) -> dict:
        return {
            "customer": world.a.pk,
            "rotation": _rotation(world.a).pk,
            "user": world.operator.pk,
            "position": 0,
        }

    def update_payload(self, world: World) -> dict:
        return {"position": 3}


class TestOnCallOverrides(ResourceContract):
    endpoint = "oncall-overrides"
    least_role = {"view": "viewer", "add": "operator", "change": "operator", "delete": "operator"}
    related = {"schedule": lambda c: f.OnCallScheduleFactory(customer=c)}

    def make(self, world: World) -> Any:
        now = timezone.now()
        return Override.objects.create(
            customer=world.a,
            schedule=f.OnCallScheduleFactory(customer=world.a),
            user=world.operator,
            start=now,
            end=now + timedelta(hours=4),
        )

    def create_payload(self, world: World) -> dict:
        now = timezone.now()
        return {
            "customer": world.a.pk,
            "schedule": f.OnCallScheduleFactory(customer=world.a).pk,
            "user": world.admin.pk,
            "start": now.isoformat(),
            "end": (now + timedelta(hours=8)).isoformat(),
        }

    def update_payload(self, world: World) -> dict:
        return {"user": world.viewer.pk}
