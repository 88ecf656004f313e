"""Booking a plan into a slot over the API, and cancelling the booking: field-level 400s,
role 403s, another customer's plan 404."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from webnet.config_mgmt import deploy
from webnet.config_mgmt.plans import current_hash
from webnet.core.models import AuditEvent
from webnet.tests import factories
from webnet.tests.conftest import World
from webnet.tests.ui.test_deploy import previewed_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(world: World) -> Any:
    plan = previewed_plan(world.a, factories.DeviceFactory(customer=world.a), world.operator)
    return deploy.confirm_plan(world.operator, plan, current_hash(plan))


def _url(plan: Any, step: str) -> str:
    return f"/api/v1/change-plans/{plan.pk}/{step}/"


def test_book_then_cancel(world: World, api: Any, plan: Any) -> None:
    starts = (timezone.now() + timedelta(hours=1)).replace(microsecond=0)
    slot = {"starts": starts.isoformat(), "ends": (starts + timedelta(hours=1)).isoformat()}
    booked = api("operator").post(_url(plan, "schedule"), slot, format="json")
    assert booked.status_code == 200, booked.json()
    body = booked.json()
    assert body["status"] == "scheduled" and body["scheduled_by"] == world.operator.pk
    assert body["scheduled_start"].startswith(starts.strftime("%Y-%m-%dT%H:%M:%S"))
    cancelled = api("operator").post(_url(plan, "cancel-schedule"))
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "confirmed"
    assert cancelled.json()["scheduled_start"] is None
    event = AuditEvent.objects.get(action="cancel_schedule")
    assert event.actor == world.operator and event.request_id
    again = api("operator").post(_url(plan, "cancel-schedule"))
    assert again.status_code == 400 and "status" in again.json()


def test_refusals_are_400_403_and_404(world: World, api: Any, plan: Any) -> None:
    now = timezone.now()
    slot = {"starts": (now + timedelta(hours=2)).isoformat(), "ends": now.isoformat()}
    backwards = api("operator").post(_url(plan, "schedule"), slot, format="json")
    assert backwards.status_code == 400 and "ends" in backwards.json()
    garbage = api("operator").post(_url(plan, "schedule"), {"starts": "soon"}, format="json")
    assert garbage.status_code == 400 and {"starts", "ends"} <= set(garbage.json())
    good = {"starts": now.isoformat(), "ends": (now + timedelta(hours=1)).isoformat()}
    assert api("viewer").post(_url(plan, "schedule"), good, format="json").status_code == 403
    assert api("outsider").post(_url(plan, "schedule"), good, format="json").status_code == 404
    assert api("viewer").post(_url(plan, "cancel-schedule")).status_code == 403
    assert api("outsider").post(_url(plan, "cancel-schedule")).status_code == 404
