"""Notifications API: generated contracts for sinks, rules and templates; the per-user inbox and
preferences; write-only secrets; the test button and template preview against real peers."""

from typing import Any

import pytest
from django.db import transaction

from webnet.notifications import outbox, signing, worker
from webnet.notifications.models import (
    InboxItem,
    NotificationPreference,
    NotificationTemplate,
    Sink,
)
from webnet.tests import factories as f
from webnet.tests.api.contract import ResourceContract
from webnet.tests.conftest import World
from webnet.tests.notifications import conftest as peer_fixtures
from webnet.tests.notifications.peers import SMTPPeer, verify_standard_webhook

# The SMTP and webhook peers of tests/notifications, as fixtures here too.
smtp, webhook, script = peer_fixtures.smtp, peer_fixtures.webhook, peer_fixtures.script
SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


class TestSinks(ResourceContract):
    endpoint = "notification-sinks"
    least_role = {"view": "viewer", "add": "admin", "change": "admin", "delete": "admin"}

    def make(self, world: World) -> Any:
        return f.SinkFactory(
            customer=world.a, kind="webhook", url="http://127.0.0.1:9/h", secret=SECRET
        )

    def create_payload(self, world: World) -> dict:
        return {
            "customer": world.a.pk,
            "name": "ops-hook",
            "kind": "webhook",
            "url": "http://127.0.0.1:9/hook",
            "secret": SECRET,
        }

    def update_payload(self, world: World) -> dict:
        return {"name": "renamed", "failure_threshold": 3}


class TestRoutingRules(ResourceContract):
    endpoint = "routing-rules"
    least_role = {"view": "viewer", "add": "admin", "change": "admin", "delete": "admin"}
    related = {
        "sinks": lambda customer: f.SinkFactory(customer=customer),
        "device_group": lambda customer: f.DeviceGroupFactory(customer=customer),
        "tag": lambda customer: f.TagFactory(customer=customer),
    }
    many_related = frozenset({"sinks"})

    def make(self, world: World) -> Any:
        return f.RoutingRuleFactory(customer=world.a, sinks=[f.SinkFactory(customer=world.a)])

    def create_payload(self, world: World) -> dict:
        return {
            "customer": world.a.pk,
            "name": "critical to the NOC",
            "min_severity": "critical",
            "location_ids": [3],
            "weekdays": [0, 1, 2, 3, 4],
            "start_time": "08:00",
            "end_time": "18:00",
            "time_zone": "Europe/Berlin",
            "sinks": [f.SinkFactory(customer=world.a).pk],
            "users": [world.viewer.pk],
        }

    def update_payload(self, world: World) -> dict:
        return {"min_severity": "major", "stop": True}


class TestNotificationTemplates(ResourceContract):
    endpoint = "notification-templates"
    least_role = {"view": "viewer", "add": "admin", "change": "admin", "delete": "admin"}

    def make(self, world: World) -> Any:
        return NotificationTemplate.objects.create(
            customer=world.a,
            topic=f"t{NotificationTemplate.objects.count()}",
            channel="email",
            body="{{ title }}",
        )

    def create_payload(self, world: World) -> dict:
        return {
            "customer": world.a.pk,
            "topic": "alarm",
            "channel": "slack",
            "body": "{{ title }}!",
        }

    def update_payload(self, world: World) -> dict:
        return {"body": "{{ title }} ({{ severity }})"}


def test_sink_secrets_are_write_only_and_encrypted(world: World, api: Any) -> None:
    response = api("admin").post(
        "/api/v1/notification-sinks/",
        {"name": "slack", "kind": "slack", "secret": "https://hooks.slack.test/T0/B0/xyz"},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["has_secret"] is True and "secret" not in body
    sink = Sink.objects.get(pk=body["id"])
    assert "xyz" not in sink.secret_encrypted and sink.reveal_secret().endswith("/xyz")
    assert "xyz" not in api("viewer").get(f"/api/v1/notification-sinks/{sink.pk}/").content.decode()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"kind": "email", "recipients": ["not-an-address"]}, "recipients"),
        ({"kind": "email"}, "recipients"),
        ({"kind": "webhook", "url": "http://127.0.0.1:9/", "secret": "plain"}, "secret"),
        ({"kind": "webhook"}, "url"),
        ({"kind": "teams"}, "secret"),
        ({"kind": "slack", "secret": "ftp://x"}, "secret"),
        ({"kind": "carrier-pigeon"}, "kind"),
    ],
)
def test_bad_sinks_are_field_errors(world: World, api: Any, payload: dict, field: str) -> None:
    response = api("admin").post(
        "/api/v1/notification-sinks/", {"name": "x", **payload}, format="json"
    )
    assert response.status_code == 400 and field in response.json(), response.content


def test_a_webhook_sink_without_a_secret_gets_one(world: World, api: Any) -> None:
    response = api("admin").post(
        "/api/v1/notification-sinks/",
        {"name": "h", "kind": "webhook", "url": "http://127.0.0.1:9/"},
        format="json",
    )
    assert response.status_code == 201
    assert Sink.objects.get().reveal_secret().startswith("whsec_")


def test_rule_users_must_be_members_and_zones_real(world: World, api: Any) -> None:
    base = {"name": "r"}
    response = api("admin").post(
        "/api/v1/routing-rules/", {**base, "users": [world.outsider.pk]}, format="json"
    )
    assert response.status_code == 400 and "users" in response.json()
    response = api("admin").post(
        "/api/v1/routing-rules/", {**base, "time_zone": "Mars/Olympus"}, format="json"
    )
    assert response.status_code == 400 and "time_zone" in response.json()


def test_the_test_button_sends_through_the_real_template_and_smtp(
    world: World,
    api: Any,
    smtp: SMTPPeer,
) -> None:
    sink = f.SinkFactory(customer=world.a, recipients=["oncall@example.net"])
    assert (
        api("admin")
        .post(
            "/api/v1/notification-templates/",
            {
                "topic": "alarm",
                "channel": "email",
                "subject": "T: {{ title }}",
                "body": "B {{ customer }}",
            },
            format="json",
        )
        .status_code
        == 201
    )
    assert api("viewer").post(f"/api/v1/notification-sinks/{sink.pk}/test/").status_code == 403
    response = api("operator").post(f"/api/v1/notification-sinks/{sink.pk}/test/")
    assert response.status_code == 200 and response.json()["ok"] is True, response.content
    [mail] = smtp.messages
    assert mail["Subject"] == "T: Test notification from webnet"
    assert mail["To"] == "oncall@example.net" and mail.get_payload().strip() == "B Alpha Networks"
    assert api("outsider").post(f"/api/v1/notification-sinks/{sink.pk}/test/").status_code == 404


def test_the_test_button_reports_a_failing_receiver(
    world: World, api: Any, webhook: Any, script: Any
) -> None:
    script.fail_first = 1
    sink = f.SinkFactory(customer=world.a, kind="webhook", url=webhook.url, secret=SECRET)
    response = api("operator").post(f"/api/v1/notification-sinks/{sink.pk}/test/")
    assert response.json()["ok"] is False and "500" in response.json()["error"]
    script.secret = SECRET
    assert api("operator").post(f"/api/v1/notification-sinks/{sink.pk}/test/").json()["ok"]
    assert script.bad_signatures == 0 and len(script.seen) == 1


def test_template_preview_renders_or_points_at_the_line(world: World, api: Any) -> None:
    url = "/api/v1/notification-templates/preview/"
    good = api("viewer").post(url, {"body": "{{ severity|upper }} {{ title }}"}, format="json")
    assert (
        good.status_code == 200 and good.json()["body"] == "WARNING Test notification from webnet"
    )
    bad = api("viewer").post(url, {"body": "line 1\n{{ nope }}"}, format="json")
    assert bad.status_code == 400 and "line 2" in bad.json()["body"][0]
    escape = api("viewer").post(url, {"body": "{{ ''.__class__.__mro__ }}"}, format="json")
    assert escape.status_code == 400
    saved = api("admin").post(
        "/api/v1/notification-templates/",
        {"topic": "a", "channel": "email", "body": "{% if %}"},
        format="json",
    )
    assert saved.status_code == 400 and "syntax" in saved.json()["body"][0]


def _inbox_item(world: World, user: Any, title: str = "x") -> InboxItem:
    return InboxItem.objects.create(
        customer=world.a,
        user=user,
        key=f"k-{user.pk}-{title}",
        topic="alarm",
        state="firing",
        severity="major",
        title=title,
    )


def test_the_inbox_is_per_user_and_marks_read(world: World, api: Any) -> None:
    mine = _inbox_item(world, world.viewer)
    theirs = _inbox_item(world, world.operator)
    listed = api("viewer").get("/api/v1/inbox/").json()["results"]
    assert [row["id"] for row in listed] == [mine.pk]
    assert api("viewer").get(f"/api/v1/inbox/{theirs.pk}/").status_code == 404
    assert api("viewer").get("/api/v1/inbox/unread/").json() == {"unread": 1}
    marked = api("viewer").post("/api/v1/inbox/mark/", {"ids": [mine.pk, theirs.pk]}, format="json")
    assert marked.json() == {"changed": 1}
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert api("viewer").get("/api/v1/inbox/unread/").json() == {"unread": 0}
    api("viewer").post("/api/v1/inbox/mark/", {"read": False}, format="json")
    assert api("viewer").get("/api/v1/inbox/unread/").json() == {"unread": 1}


def test_preferences_are_the_users_own(world: World, api: Any) -> None:
    url = "/api/v1/notification-preferences/"
    response = api("viewer").post(
        url, {"email": True, "quiet_start": "22:00", "quiet_end": "07:00"}, format="json"
    )
    assert response.status_code == 201, response.content
    assert NotificationPreference.objects.get().user == world.viewer
    assert api("viewer").post(url, {"email": False}, format="json").status_code == 400
    assert api("operator").get(url).json()["results"] == []
    pk = response.json()["id"]
    assert api("operator").patch(f"{url}{pk}/", {"email": False}, format="json").status_code == 404
    assert api("viewer").post(url, {"time_zone": "Nowhere/Land"}, format="json").status_code == 400


def test_deliveries_are_listed_by_customer_and_filtered(world: World, api: Any) -> None:
    f.RoutingRuleFactory(customer=world.a, users=[world.viewer])
    with transaction.atomic():
        outbox.enqueue(
            customer=world.a,
            topic="alarm",
            key="a1",
            state="firing",
            severity="major",
            title="down",
            payload={},
        )
    worker.drain()
    rows = api("viewer").get("/api/v1/deliveries/?status=delivered").json()["results"]
    assert [(r["channel"], r["title"]) for r in rows] == [("inbox", "down")]
    assert api("viewer").get("/api/v1/deliveries/?status=dead").json()["results"] == []
    assert api("outsider").get("/api/v1/deliveries/").json()["results"] == []
    log = api("viewer").get(f"/api/v1/deliveries/{rows[0]['id']}/attempts/").json()
    assert [entry["ok"] for entry in log] == [True]
    assert api("outsider").get(f"/api/v1/deliveries/{rows[0]['id']}/").status_code == 404


def test_verify_helper_rejects_a_tampered_body() -> None:
    headers = signing.headers(SECRET, "msg_1", 1_700_000_000, b'{"a":1}')
    assert verify_standard_webhook(SECRET, headers, b'{"a":1}')
    assert not verify_standard_webhook(SECRET, headers, b'{"a":2}')
