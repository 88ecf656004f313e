"""The booking block on the plan page: bad slots answer a readable message (never a 500), a
viewer gets no form, and a booking that did not start says why on the plan."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from webnet.config_mgmt import booking, deploy
from webnet.config_mgmt.plans import ChangePlan, PlanStatus, current_hash
from webnet.tests.conftest import World
from webnet.tests.ui.conftest import Inventory
from webnet.tests.ui.test_deploy import previewed_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(world: World, inventory: Inventory) -> ChangePlan:
    plan = previewed_plan(world.a, inventory.device, world.operator)
    return deploy.confirm_plan(world.operator, plan, current_hash(plan))


def test_bad_slots_answer_a_message_and_book_nothing(
    ui: Callable[[str], Client], plan: ChangePlan
) -> None:
    client, url = ui("operator"), reverse("ui:plan_schedule", args=[plan.pk])
    for data, text in (
        ({"starts": "tomorrow", "ends": ""}, "Enter a valid date/time"),
        ({"starts": "2030-01-01T10:00", "ends": "2030-01-01T09:00"}, "the end after the start"),
        ({"starts": "2020-01-01T10:00", "ends": "2020-01-01T11:00"}, "already over"),
    ):
        page = client.post(url, data, follow=True)
        assert page.status_code == 200 and "Not booked" in page.text and text in page.text
    plan.refresh_from_db()
    assert plan.status == PlanStatus.CONFIRMED


def test_a_viewer_sees_the_slot_but_no_form(ui: Callable[[str], Client], plan: ChangePlan) -> None:
    starts = timezone.now() + timedelta(hours=1)
    booking.schedule_plan(plan.created_by, plan, starts=starts, ends=starts + timedelta(hours=1))
    page = ui("viewer").get(reverse("ui:plan_detail", args=[plan.pk])).text
    assert "data-booked-slot" in page and "Cancel the booking" not in page
    mine = ui("operator").get(reverse("ui:plan_detail", args=[plan.pk])).text
    assert "Cancel the booking" in mine


def test_an_expired_booking_says_why(ui: Callable[[str], Client], plan: ChangePlan) -> None:
    starts = timezone.now() + timedelta(hours=1)
    booking.schedule_plan(plan.created_by, plan, starts=starts, ends=starts + timedelta(hours=1))
    assert booking.start_due(starts + timedelta(hours=3))["expired"] == 1
    page = ui("viewer").get(reverse("ui:plan_detail", args=[plan.pk])).text
    assert 'data-plan-status="expired">Expired' in page
    assert "did not happen: The slot closed before it started." in page
