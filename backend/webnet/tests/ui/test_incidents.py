"""Incident pages: list and open by hand, the detail's SLA panel through a pause (within, at
risk, breached; remaining time and due times in the user's zone), status buttons, on-call."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from webnet.incidents import services
from webnet.incidents.models import Incident, Override, Status
from webnet.tests import factories as f

pytestmark = pytest.mark.django_db


def test_open_by_hand_then_acknowledge_and_resolve_from_the_buttons(ui, world) -> None:
    client = ui("operator")
    assert b"open-incident" in client.get(reverse("ui:incident_list")).content
    response = client.post(reverse("ui:incident_open"), {"title": "fibre cut", "priority": "p2"})
    incident = Incident.objects.get()
    assert response.url == reverse("ui:incident_detail", args=[incident.pk])
    action = reverse("ui:incident_action", args=[incident.pk])
    client.post(action, {"action": "acknowledge", "note": "looking"})
    client.post(action, {"action": "status", "status": "waiting_parts"})
    client.post(action, {"action": "close"})  # not allowed from waiting: a message, no change
    incident.refresh_from_db()
    assert incident.status == Status.WAITING_PARTS
    client.post(action, {"action": "resolve"})
    page = client.get(reverse("ui:incident_detail", args=[incident.pk])).content.decode()
    assert 'id="btn-close"' in page and 'id="btn-reopen"' in page and "looking" in page
    assert b"INC-1" in client.get(reverse("ui:incident_list") + "?status=resolved").content


def test_viewers_see_no_buttons_and_other_customers_incidents_are_not_found(ui, world) -> None:
    incident = services.open_incident(world.operator, customer=world.a, title="x")
    page = ui("viewer").get(reverse("ui:incident_detail", args=[incident.pk])).content
    assert b"incident-actions" not in page
    assert ui("viewer").post(reverse("ui:incident_open"), {"title": "y"}).status_code == 403
    other = services.open_incident(world.outsider, customer=world.b, title="z")
    assert ui("admin").get(reverse("ui:incident_detail", args=[other.pk])).status_code == 404


def test_sla_panel_goes_at_risk_pauses_and_breaches(ui, world) -> None:
    world.viewer.time_zone = "Asia/Tokyo"
    world.viewer.save()
    f.SlaPolicyFactory(customer=world.a, is_default=True)  # p1 acknowledge in 15 minutes
    t0 = timezone.now()
    incident = services.open_incident(
        world.operator, customer=world.a, title="x", priority="p1", at=t0
    )
    url = reverse("ui:incident_detail", args=[incident.pk])

    def state_at(moment) -> str:
        with time_machine.travel(moment, tick=False):
            page = ui("viewer").get(url).content.decode()
        row = page.split('data-clock="acknowledge"')[1]
        return row.split('data-state="')[1].split('"')[0], row

    assert state_at(t0 + timedelta(minutes=5))[0] == "within"
    state, row = state_at(t0 + timedelta(minutes=13))
    assert state == "at_risk" and "0h 02m" in row and " JST" in row
    services.set_status(
        world.operator, incident, status=Status.WAITING_CUSTOMER, at=t0 + timedelta(minutes=13)
    )
    state, row = state_at(t0 + timedelta(hours=5))  # paused: the clock stood still
    assert state == "at_risk" and "paused" in row and "0h 02m" in row
    services.set_status(
        world.operator, incident, status=Status.TRIGGERED, at=t0 + timedelta(hours=5)
    )
    assert state_at(t0 + timedelta(hours=5, minutes=3))[0] == "breached"


def test_oncall_page_names_who_is_on_call_and_flags_nobody(ui, world) -> None:
    schedule = f.OnCallScheduleFactory(customer=world.a, name="network")
    page = ui("viewer").get(reverse("ui:oncall")).content.decode()
    assert "network" in page and "nobody — escalations are held" in page
    now = timezone.now()
    Override.objects.create(
        customer=world.a,
        schedule=schedule,
        user=world.admin,
        start=now - timedelta(hours=1),
        end=now + timedelta(hours=1),
    )
    assert (
        '<strong class="oncall-now">a-admin</strong>'
        in ui("viewer").get(reverse("ui:oncall")).content.decode()
    )
