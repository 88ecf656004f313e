"""Service transitions reach billing as signed webhooks, through the outbox and the delivery
worker, at a real HTTP receiver that verifies the Standard Webhooks signature and processes
each `webhook-id` (the idempotency key) once."""

from collections import Counter
from collections.abc import Iterator

import pytest

from webnet.notifications import worker
from webnet.notifications.signing import new_secret
from webnet.subscribers import provisioning, services
from webnet.tests import factories as f
from webnet.tests.conftest import World
from webnet.tests.notifications.peers import Script, WebhookPeer

pytestmark = pytest.mark.django_db


@pytest.fixture
def billing(world: World) -> Iterator[dict[str, Script]]:
    """Two receivers by the topic their routing rule names: every topic (""), or
    service.reprovisioned only."""
    peers, scripts = [], {}
    for topic in ("", "service.reprovisioned"):
        script = Script(secret=new_secret())
        peer = WebhookPeer(script).start()
        sink = f.SinkFactory(customer=world.a, kind="webhook", url=peer.url, secret=script.secret)
        f.RoutingRuleFactory(customer=world.a, topic=topic, sinks=[sink])
        peers.append(peer)
        scripts[topic] = script
    yield scripts
    for peer in peers:
        peer.stop()


def test_every_transition_that_changes_the_service_is_announced_once(
    world: World, billing: dict[str, Script]
) -> None:
    service = f.ServiceInstanceFactory(
        subscriber__customer=world.a,
        subscriber__account_number="ACC-7",
        external_id="splynx-7",
        login="alice",
        password="pw-never-sent",
    )
    # given a service taken through its life, renamed and given a new password on the way
    # (saving a live service's login or password is its reprovision)
    for name in ("activate", "suspend", "restore"):
        provisioning.transition(world.operator, service, name)
    service.refresh_from_db()
    service = services.update_service(world.operator, service, {"login": "alice.b"})
    _, again = provisioning.transition(world.operator, service, "reprovision")
    assert not again  # the same facts: a re-run, no new plan and no webhook
    service = services.update_service(world.operator, service, {"password": "pw-new-never-sent"})
    provisioning.transition(world.operator, service, "terminate")
    # when the delivery worker drains (twice: nothing goes out again)
    worker.drain()
    worker.drain()
    # then the every-topic receiver got each change once, correctly signed
    every = billing[""]
    assert Counter(body["type"] for body in every.bodies) == {
        "service.activated.firing": 1,
        "service.suspended.firing": 1,
        "service.restored.firing": 1,
        "service.reprovisioned.firing": 2,
        "service.terminated.firing": 1,
    }
    assert every.bad_signatures == 0 and not every.duplicates
    assert len(every.seen) == 6  # one webhook-id each
    # and a receiver subscribed to service.reprovisioned got only those, with the logins
    renames = billing["service.reprovisioned"]
    payloads = sorted(
        (body["data"]["payload"] for body in renames.bodies), key=lambda p: p["provisioning_plan"]
    )
    assert [(p["login"], p["replaced_login"], p["status"]) for p in payloads] == [
        ("alice.b", "alice", "active"),
        ("alice.b", "", "active"),
    ]
    assert payloads[0]["service_external_id"] == "splynx-7"
    assert payloads[0]["account_number"] == "ACC-7"
    assert renames.bad_signatures == 0 and set(renames.seen).isdisjoint(every.seen)
    # and no password ever left
    sent = str(every.bodies + renames.bodies)
    assert "pw-never-sent" not in sent and "pw-new-never-sent" not in sent
