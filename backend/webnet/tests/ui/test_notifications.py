"""Notification pages: sinks (write-only secret, test button), rules, templates with preview,
deliveries with retry, and the inbox with its badge."""

from typing import Any

from django.db import transaction

from webnet.notifications import outbox, worker
from webnet.notifications.models import (
    Delivery,
    DeliveryStatus,
    InboxItem,
    RoutingRule,
    Sink,
)
from webnet.tests import factories as f
from webnet.tests.conftest import World
from webnet.tests.notifications import conftest as peer_fixtures
from webnet.tests.notifications.peers import SMTPPeer

smtp = peer_fixtures.smtp  # the aiosmtpd fixture of tests/notifications


def test_admin_creates_a_sink_whose_secret_never_shows(world: World, ui: Any) -> None:
    response = ui("admin").post(
        "/notifications/sinks/new/",
        {"name": "chat", "kind": "slack", "enabled": "on", "secret": "https://hooks.test/T/B/zzz",
         "failure_threshold": 5, "dead_letter_seconds": 600},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    sink = Sink.objects.get()
    assert sink.reveal_secret() == "https://hooks.test/T/B/zzz"
    page = ui("admin").get(f"/notifications/sinks/{sink.pk}/edit/").content.decode()
    assert "zzz" not in page and "leave blank to keep it" in page
    assert "zzz" not in ui("viewer").get("/notifications/sinks/").content.decode()


def test_bad_sink_input_is_shown_on_the_field(world: World, ui: Any) -> None:
    response = ui("admin").post(
        "/notifications/sinks/new/",
        {"name": "m", "kind": "email", "recipients": "nope", "failure_threshold": 5,
         "dead_letter_seconds": 60},
    )  # fmt: skip
    assert response.status_code == 400 and "is not an email address" in response.content.decode()
    assert ui("operator").get("/notifications/sinks/new/").status_code == 403


def test_the_test_button_mails_through_smtp(world: World, ui: Any, smtp: SMTPPeer) -> None:
    sink = f.SinkFactory(customer=world.a, recipients=["noc@alpha.test"])
    response = ui("operator").post(f"/notifications/sinks/{sink.pk}/test/", follow=True)
    assert "Test sent to" in response.content.decode()
    assert [m["To"] for m in smtp.messages] == ["noc@alpha.test"]
    other = f.SinkFactory(customer=world.b)
    assert ui("operator").post(f"/notifications/sinks/{other.pk}/test/").status_code == 404


def test_rules_are_made_with_only_this_customers_choices(world: World, ui: Any) -> None:
    mine, theirs = f.SinkFactory(customer=world.a), f.SinkFactory(customer=world.b)
    form = ui("admin").get("/notifications/rules/new/").content.decode()
    assert mine.name in form and theirs.name not in form and world.outsider.username not in form
    response = ui("admin").post(
        "/notifications/rules/new/",
        {"name": "noc", "enabled": "on", "position": 1, "min_severity": "major",
         "time_zone": "Europe/Berlin", "sinks": [mine.pk], "users": [world.viewer.pk],
         "weekdays_text": "0, 1, 2", "location_ids_text": "4"},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    rule = RoutingRule.objects.get()
    assert rule.weekdays == [0, 1, 2] and rule.location_ids == [4]
    assert list(rule.users.all()) == [world.viewer]
    bad = ui("admin").post(
        "/notifications/rules/new/",
        {"name": "x", "position": 1, "min_severity": "info", "time_zone": "Mars/Base",
         "sinks": [theirs.pk], "weekdays_text": "9"},
    )  # fmt: skip
    text = bad.content.decode()
    assert bad.status_code == 400 and "Unknown time zone" in text and "out of range" in text


def test_template_preview_renders_or_says_why(world: World, ui: Any) -> None:
    url = "/notifications/templates/preview/"
    good = ui("viewer").post(url, {"body": "{{ severity }}: {{ title }}", "channel": "email"})
    assert "warning: Test notification from webnet" in good.content.decode()
    bad = ui("viewer").post(url, {"body": "{{ missing }}"})
    assert "undefined" in bad.content.decode()


def test_dead_deliveries_can_be_retried_from_the_list(world: World, ui: Any) -> None:
    f.RoutingRuleFactory(customer=world.a, users=[world.viewer])
    with transaction.atomic():
        [delivery] = outbox.enqueue(
            customer=world.a, topic="alarm", key="a", state="firing", severity="major",
            title="edge-9 down", payload={},
        )  # fmt: skip
    Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.DEAD, last_error="boom")
    page = ui("viewer").get("/notifications/deliveries/?status=dead").content.decode()
    assert "edge-9 down" in page and "boom" in page
    assert ui("viewer").post(f"/notifications/deliveries/{delivery.pk}/retry/").status_code == 403
    ui("operator").post(f"/notifications/deliveries/{delivery.pk}/retry/")
    assert worker.drain() == 1
    assert InboxItem.objects.get().title == "[MAJOR] firing: edge-9 down"


def test_the_inbox_and_its_badge(world: World, ui: Any) -> None:
    for n in range(2):
        InboxItem.objects.create(
            customer=world.a, user=world.viewer, key=f"k{n}", topic="alarm", state="firing",
            severity="major", title=f"item {n}",
        )  # fmt: skip
    page = ui("viewer").get("/inbox/").content.decode()
    assert "item 0" in page and 'data-testid="inbox-badge" class="badge badge-red">2<' in page
    assert "item 0" not in ui("operator").get("/inbox/").content.decode()
    ui("viewer").post("/inbox/read/")
    page = ui("viewer").get("/inbox/").content.decode()
    assert 'class="badge badge-red hidden">0<' in page
