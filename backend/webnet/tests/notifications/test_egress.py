"""SSRF guard: tenant webhook and chat URLs never reach private, loopback, link-local, metadata or
unspecified addresses — refused on save (400, field message) and at send time after DNS, and the
request connects to the address that was checked."""

import pytest

from webnet.notifications import egress, transports
from webnet.notifications.templates import Rendered
from webnet.tests.conftest import World

REFUSED = [
    "http://127.0.0.1/hook",
    "http://169.254.169.254/latest/meta-data/",
    "http://10.1.2.3/hook",
    "http://[::1]:8080/hook",
    "http://0.0.0.0/hook",
    "http://[::ffff:192.168.1.1]/hook",
    "http://localhost:9000/hook",
]


@pytest.fixture
def guarded(settings):  # type: ignore[no-untyped-def]
    settings.WEBNET_WEBHOOK_ALLOWED_NETWORKS = []


@pytest.mark.django_db
def test_private_urls_are_refused_on_save_with_a_field_message(world: World, api, guarded) -> None:
    client = api("admin")
    for url in REFUSED:
        webhook = {"customer": world.a.pk, "name": "w", "kind": "webhook", "url": url}
        response = client.post("/api/v1/notification-sinks/", webhook, format="json")
        assert response.status_code == 400 and "url" in response.json(), (url, response.content)
        chat = {"customer": world.a.pk, "name": "c", "kind": "slack", "secret": url}
        response = client.post("/api/v1/notification-sinks/", chat, format="json")
        assert response.status_code == 400 and "secret" in response.json(), url
    public = {
        "customer": world.a.pk,
        "name": "p",
        "kind": "webhook",
        "url": "https://93.184.215.14/h",
    }
    assert client.post("/api/v1/notification-sinks/", public, format="json").status_code == 201


def _envelope(url: str) -> transports.Envelope:
    return transports.Envelope(
        "webhook", "k1", "alarm.firing", {}, url=url, secret="whsec_" + "A" * 32
    )


def test_a_name_resolving_to_a_private_address_is_refused_at_send_time(
    guarded, webhook, monkeypatch
) -> None:
    # given a name whose DNS answer is loopback at send time (a rebinding server)
    monkeypatch.setattr(egress, "_resolve", lambda host, port: ["127.0.0.1"])
    url = f"http://hooks.example.net:{webhook.port}/hook"
    outcome = transports.send(_envelope(url), Rendered("s", "b"))
    assert not outcome.ok and outcome.permanent and "refused" in outcome.error
    assert webhook.script.requests == 0


def test_the_request_connects_to_the_checked_address(settings, webhook, monkeypatch) -> None:
    # given loopback allowed and a name only our check resolves (nothing else could connect)
    settings.WEBNET_WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    monkeypatch.setattr(egress, "_resolve", lambda host, port: ["127.0.0.1"])
    url = f"http://hooks.invalid:{webhook.port}/hook"
    outcome = transports.send(_envelope(url), Rendered("s", "b"))
    assert outcome.ok, outcome.error
    assert webhook.script.requests == 1
