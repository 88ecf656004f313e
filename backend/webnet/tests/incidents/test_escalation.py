"""Escalation steps are rows with `due_at`: a step fires once (two ticks, a tick that dies between
claim and commit), acknowledging cancels what is pending, nobody on call holds and flags, and an
acknowledge timeout triggers again."""

from datetime import date, time, timedelta

import pytest
from django.utils import timezone

from webnet.incidents import escalation, services, tick
from webnet.incidents.models import (
    EscalationRunStep,
    EscalationStep,
    Override,
    RunStepStatus,
    Status,
)
from webnet.notifications import outbox
from webnet.notifications.models import Delivery, OutboxMessage
from webnet.tests import factories as f

pytestmark = pytest.mark.django_db


def _chain(world, **extra):
    chain = f.EscalationChainFactory(customer=world.a, **extra)
    schedule = f.OnCallScheduleFactory(customer=world.a)
    EscalationStep.objects.create(
        customer=world.a,
        chain=chain,
        position=1,
        wait_seconds=0,
        target_kind="user",
        user=world.operator,
    )
    EscalationStep.objects.create(
        customer=world.a,
        chain=chain,
        position=2,
        wait_seconds=300,
        target_kind="schedule",
        schedule=schedule,
    )
    return chain, schedule


def _open(world, chain, at):
    return services.open_incident(
        None, customer=world.a, title="core down", priority="p1", escalation_chain=chain, at=at
    )


def _fired():
    return list(
        EscalationRunStep.objects.filter(status=RunStepStatus.FIRED).values_list(
            "position", flat=True
        )
    )


def test_a_due_step_pages_its_user_once_through_the_outbox(world) -> None:
    chain, _ = _chain(world)
    t0 = timezone.now()
    incident = _open(world, chain, t0)
    assert escalation.tick(t0) == {"fired": 1, "held": 0}
    assert escalation.tick(t0 + timedelta(seconds=1)) == {"fired": 0, "held": 0}
    message = OutboxMessage.objects.get(topic="incident")
    assert message.key == f"incident:{incident.pk}:run1:step1" and message.state == "firing"
    channels = set(Delivery.objects.filter(user=world.operator).values_list("channel", flat=True))
    assert channels == {"inbox", "email"}
    assert incident.events.filter(kind="escalation", value="fired").count() == 1


def test_two_interleaved_ticks_fire_a_step_once(world) -> None:
    chain, _ = _chain(world)
    t0 = timezone.now()
    _open(world, chain, t0)
    first = escalation.claim(t0)
    second = escalation.claim(t0)  # the other tick finds the step leased
    assert not EscalationRunStep.objects.filter(claim_token=second).exists()
    row = EscalationRunStep.objects.get(claim_token=first)
    assert escalation._fire_one(row.pk, second, t0) == ""
    assert escalation._fire_one(row.pk, first, t0) == "fired"
    assert escalation._fire_one(row.pk, first, t0) == ""  # a retried fire is a no-op
    assert OutboxMessage.objects.filter(topic="incident").count() == 1


def test_a_tick_that_dies_between_claim_and_commit_fires_the_step_once_later(
    world, monkeypatch
) -> None:
    chain, _ = _chain(world)
    t0 = timezone.now()
    _open(world, chain, t0)
    # given a tick that claims and then crashes inside the firing transaction
    real = outbox.enqueue

    def crash(**kwargs):
        real(**kwargs)
        raise RuntimeError("worker killed")

    monkeypatch.setattr(outbox, "enqueue", crash)
    with pytest.raises(RuntimeError):
        escalation.tick(t0)
    monkeypatch.setattr(outbox, "enqueue", real)
    assert not OutboxMessage.objects.exists()  # the page rolled back with the step
    # when the next ticks run: within the lease nothing, after it the step fires once
    assert escalation.tick(t0 + timedelta(seconds=5))["fired"] == 0
    late = t0 + timedelta(seconds=escalation.LEASE_SECONDS + 1)
    assert escalation.tick(late)["fired"] == 1
    assert escalation.tick(late + timedelta(seconds=1))["fired"] == 0
    assert OutboxMessage.objects.filter(topic="incident").count() == 1


def test_acknowledging_cancels_every_pending_step(world) -> None:
    chain, _ = _chain(world)
    t0 = timezone.now()
    incident = _open(world, chain, t0)
    escalation.tick(t0)
    services.acknowledge_incident(world.operator, incident, at=t0 + timedelta(seconds=30))
    assert escalation.tick(t0 + timedelta(hours=1)) == {"fired": 0, "held": 0}
    assert _fired() == [1]
    step = EscalationRunStep.objects.get(position=2)
    assert step.status == RunStepStatus.CANCELLED and step.run.state == "stopped"


def test_nobody_on_call_holds_and_flags_the_step_until_someone_is(world) -> None:
    chain, schedule = _chain(world)
    t0 = timezone.now()
    incident = _open(world, chain, t0)
    later = t0 + timedelta(seconds=301)
    assert escalation.tick(later) == {"fired": 1, "held": 1}
    assert escalation.tick(later + timedelta(seconds=30))["held"] == 1  # re-checked each tick
    held = EscalationRunStep.objects.get(position=2)
    assert held.status == RunStepStatus.HELD and held.held_since == later
    assert incident.events.filter(kind="escalation", value="held").count() == 1
    # when an admin puts someone on call
    Override.objects.create(
        customer=world.a,
        schedule=schedule,
        user=world.admin,
        start=t0,
        end=t0 + timedelta(days=1),
    )
    assert escalation.tick(later + timedelta(seconds=60)) == {"fired": 1, "held": 0}
    held.refresh_from_db()
    assert list(held.notified.all()) == [world.admin]


def test_the_on_call_rotation_member_is_paged(world) -> None:
    chain, schedule = _chain(world)
    rotation = schedule.rotations.create(
        customer=world.a,
        name="primary",
        handoff_time=time(9),
        start_date=date(2026, 1, 5),
        length_days=7,
    )
    rotation.members.create(customer=world.a, user=world.admin, position=0)
    t0 = timezone.now()
    _open(world, chain, t0)
    escalation.tick(t0 + timedelta(seconds=301))
    assert list(EscalationRunStep.objects.get(position=2).notified.all()) == [world.admin]


def test_an_acknowledge_timeout_triggers_again_with_a_new_run(world) -> None:
    chain, _ = _chain(world, ack_timeout_seconds=600)
    t0 = timezone.now()
    incident = _open(world, chain, t0)
    services.acknowledge_incident(world.operator, incident, at=t0 + timedelta(seconds=60))
    assert tick.retrigger_overdue_acks(t0 + timedelta(seconds=600)) == 0
    assert tick.retrigger_overdue_acks(t0 + timedelta(seconds=661)) == 1
    incident.refresh_from_db()
    assert incident.status == Status.TRIGGERED
    assert list(incident.escalation_runs.values_list("generation", "state")) == [
        (2, "active"),
        (1, "stopped"),
    ]
