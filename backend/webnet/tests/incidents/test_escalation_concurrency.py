"""Escalation ticks and acknowledgements at once, in real threads on their own connections:
every due step fires exactly once, and an acknowledgement racing a firing step is never a
deadlock (the tick takes the incident's lock before the step's, as the services do)."""

import threading
import time
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from functools import partial

import pytest
from django.db import connection, connections
from django.utils import timezone

from webnet.incidents import escalation, services
from webnet.incidents.models import EscalationRunStep, EscalationStep, IncidentEvent
from webnet.notifications.models import OutboxMessage
from webnet.tests import factories as f

pytestmark = [
    pytest.mark.skipif(
        connection.vendor == "sqlite",
        reason="SQLite has no row locks (its writers serialise on the database), so threads "
        "cannot race there; row locks and skip_locked are what is tested, on PostgreSQL",
    ),
    pytest.mark.django_db(transaction=True),
]


def _threads(*work: Callable[[], object]) -> list[object]:
    """Run each callable in its own thread (its own connection), started together."""
    results: list[object] = [None] * len(work)
    start = threading.Barrier(len(work))

    def run(index: int) -> None:
        try:
            start.wait()
            results[index] = work[index]()
        except BaseException as exc:  # reported to the test
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(work))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def _incidents(world, count: int, steps: int) -> list:
    chain = f.EscalationChainFactory(customer=world.a)
    for position in range(1, steps + 1):
        EscalationStep.objects.create(customer=world.a, chain=chain, position=position,
                                      target_kind="user", user=world.operator)  # fmt: skip
    return [
        services.open_incident(None, customer=world.a, title=f"down {n}", escalation_chain=chain)
        for n in range(count)
    ]


def test_two_ticks_at_once_fire_each_due_step_exactly_once(world, monkeypatch) -> None:
    # given 30 due steps and claims of 10, so each tick claims again while the other fires
    _incidents(world, count=3, steps=10)
    monkeypatch.setattr(escalation, "claim", partial(escalation.claim, limit=10))
    now = timezone.now() + timedelta(seconds=1)

    def ticks() -> list[int]:
        fired = []
        while (n := escalation.tick(now)["fired"]) or not fired:
            fired.append(n)
        return fired

    # when two ticks run at once, each until it finds nothing due
    first, second = _threads(ticks, ticks)
    # then every step fired once, between them
    assert isinstance(first, list) and isinstance(second, list), (first, second)
    assert sum(first) + sum(second) == 30
    assert EscalationRunStep.objects.filter(status="fired").count() == 30
    fired = Counter(
        (e.incident_id, e.data["step"])
        for e in IncidentEvent.objects.filter(kind="escalation", value="fired")
    )
    assert len(fired) == 30 and set(fired.values()) == {1}
    pages = Counter(OutboxMessage.objects.filter(topic="incident").values_list("key", flat=True))
    assert len(pages) == 30 and set(pages.values()) == {1}


def test_an_acknowledgement_racing_a_firing_step_stops_it_without_a_deadlock(
    world, monkeypatch
) -> None:
    # given a due step claimed by a tick
    [incident] = _incidents(world, count=1, steps=1)
    now = timezone.now() + timedelta(seconds=1)
    token = escalation.claim(now)
    row = EscalationRunStep.objects.get(claim_token=token)
    # and an acknowledgement that holds the incident's lock while the tick starts firing
    holding = threading.Event()
    real_stop = escalation.stop_runs

    def stop_runs_slowly(*args, **kwargs):  # type: ignore[no-untyped-def]
        holding.set()
        time.sleep(0.5)  # the tick runs into the incident's lock meanwhile
        return real_stop(*args, **kwargs)

    monkeypatch.setattr(escalation, "stop_runs", stop_runs_slowly)

    def fire() -> str:
        assert holding.wait(10)
        return escalation._fire_one(row.pk, token, now)

    # when both go at once
    acked, fired = _threads(
        lambda: services.acknowledge_incident(world.operator, incident, at=now).status, fire
    )
    # then the acknowledgement wins and the step is cancelled, not paged
    assert (acked, fired) == ("acknowledged", "")
    row.refresh_from_db()
    assert row.status == "cancelled"
    assert not OutboxMessage.objects.filter(topic="incident").exists()
