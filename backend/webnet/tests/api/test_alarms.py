"""Alarm API: generated contracts for rules and silences; alarm actions, events, webhook tokens
and the inbound webhook through the gate (another customer's alarm is 404, never 403)."""

import json
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from webnet.alarms import conditions, ingest
from webnet.alarms.ingest import EventIn
from webnet.alarms.models import Alarm, AlarmRule, Event, InhibitRule
from webnet.tests import factories as f
from webnet.tests.api.contract import ResourceContract
from webnet.tests.conftest import World

pytestmark = pytest.mark.django_db


class TestAlarmRules(ResourceContract):
    endpoint = "alarm-rules"
    least_role = {"view": "viewer", "add": "admin", "change": "admin", "delete": "admin"}

    def make(self, world: World) -> Any:
        return f.AlarmRuleFactory(customer=world.a)

    def create_payload(self, world: World) -> dict:
        return {
            "customer": world.a.pk,
            "name": "cpu-high",
            "kind": "threshold",
            "condition": "cpu.high",
            "spec": {"metric": "cpu.util", "operator": ">", "value": 90, "consecutive": 3},
        }

    def update_payload(self, world: World) -> dict:
        return {"severity": "minor", "flap_count": 3}


class TestSilences(ResourceContract):
    endpoint = "silences"
    least_role = {"view": "viewer", "add": "operator", "change": "operator", "delete": "operator"}

    def make(self, world: World) -> Any:
        return f.SilenceFactory(customer=world.a)

    def create_payload(self, world: World) -> dict:
        now = timezone.now()
        return {
            "customer": world.a.pk,
            "matchers": [{"name": "severity", "value": "minor|warning", "regex": True}],
            "starts_at": now.isoformat(),
            "ends_at": (now + timedelta(hours=2)).isoformat(),
            "comment": "maintenance",
        }

    def update_payload(self, world: World) -> dict:
        return {"comment": "extended"}


class TestInhibitRules(ResourceContract):
    endpoint = "inhibit-rules"
    least_role = {"view": "viewer", "add": "admin", "change": "admin", "delete": "admin"}

    def make(self, world: World) -> Any:
        return InhibitRule.objects.create(
            customer=world.a,
            name=f"down-mutes-links-{InhibitRule.objects.count()}",
            source_matchers=[{"name": "condition", "value": "device.down"}],
            target_matchers=[{"name": "condition", "value": "interface.down"}],
            equal=["device"],
        )

    def create_payload(self, world: World) -> dict:
        return {
            "customer": world.a.pk,
            "name": "critical-mutes-minor",
            "source_matchers": [{"name": "severity", "value": "critical"}],
            "target_matchers": [{"name": "severity", "value": "minor|warning", "regex": True}],
            "equal": ["device"],
        }

    def update_payload(self, world: World) -> dict:
        return {"enabled": False}


def test_inhibit_rules_round_trip_through_the_rules_yaml_and_bad_ones_are_400(
    world: World, api
) -> None:
    client = api("admin")
    text = """
rules: []
inhibit_rules:
  - name: down-mutes-links
    source_matchers: [{name: condition, value: device.down}]
    target_matchers: [{name: condition, value: interface.down}]
    equal: [device]
"""
    url = "/api/v1/alarm-rules/import-yaml/"
    response = client.post(url, {"customer": world.a.pk, "yaml": text}, format="json")
    assert response.status_code == 200, response.content
    exported = client.get(f"/api/v1/alarm-rules/export-yaml/?customer={world.a.pk}").content
    assert b"inhibit_rules:" in exported and b"down-mutes-links" in exported
    again = client.post(url, {"customer": world.a.pk, "yaml": exported.decode()}, format="json")
    assert again.status_code == 200 and InhibitRule.objects.get().equal == ["device"]
    bad_yaml = "rules: []\ninhibit_rules:\n  - name: x\n    source_matchers: []\n"
    bad = client.post(url, {"customer": world.a.pk, "yaml": bad_yaml}, format="json")
    errors = bad.json()["yaml"]
    assert bad.status_code == 400 and any("inhibit_rules[0].source_matchers" in m for m in errors)
    assert any("inhibit_rules[0].target_matchers" in m for m in errors)
    payload = {
        "customer": world.a.pk,
        "name": "y",
        "source_matchers": [{"name": "a"}],
        "target_matchers": [{"name": "b", "value": "(", "regex": True}],
    }
    response = client.post("/api/v1/inhibit-rules/", payload, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"source_matchers", "target_matchers"}


def test_bad_rule_specs_and_silences_are_400_with_field_messages(world: World, api) -> None:
    client = api("admin")
    bad_rule = {
        "customer": world.a.pk,
        "name": "x",
        "kind": "event",
        "condition": "x",
        "spec": {"message_regex": "(a)\\1"},
    }
    response = client.post("/api/v1/alarm-rules/", bad_rule, format="json")
    assert response.status_code == 400 and "spec.message_regex" in response.json()
    now = timezone.now().isoformat()
    silence = {"customer": world.a.pk, "matchers": [], "starts_at": now, "ends_at": now}
    response = client.post("/api/v1/silences/", silence, format="json")
    assert response.status_code == 400 and "matchers" in response.json()


def _alarm(customer: Any) -> Alarm:
    device = f.DeviceFactory(customer=customer)
    ingest.record_event(
        EventIn(
            customer.pk,
            "trap",
            device_id=device.pk,
            data={"trap_oid": conditions.LINK_DOWN, "varbinds": {f"{conditions.IF_INDEX}.2": "2"}},
        )
    )
    return Alarm.objects.get(device=device)


@pytest.mark.parametrize(
    ("role", "expected"),
    [("viewer", 403), ("operator", 200), ("admin", 200), ("outsider", 404)],
)
def test_acknowledge_by_role(world: World, api, role: str, expected: int) -> None:
    alarm = _alarm(world.a)
    response = api(role).post(
        f"/api/v1/alarms/{alarm.pk}/acknowledge/", {"comment": "on it"}, format="json"
    )
    assert response.status_code == expected, response.content
    alarm.refresh_from_db()
    if expected == 200:
        body = response.json()
        assert body["state"] == "acknowledged" and body["ack_comment"] == "on it"
        assert body["acknowledged_by"] == world.user(role).username
    else:
        assert alarm.state == "active"


def test_lists_show_only_the_users_customers(world: World, api) -> None:
    mine, theirs = _alarm(world.a), _alarm(world.b)
    client = api("viewer")
    ids = [row["id"] for row in client.get("/api/v1/alarms/").json()["results"]]
    assert ids == [mine.pk]
    assert client.get(f"/api/v1/alarms/{theirs.pk}/").status_code == 404
    events = client.get("/api/v1/events/").json()["results"]
    assert {row["customer"] for row in events} == {world.a.pk}
    assert client.get("/api/v1/alarms/counts/").json() == {"open": {"major": 1}}
    groups = client.get("/api/v1/alarms/groups/?group_by=condition,severity").json()
    assert groups == [
        {"labels": {"condition": "interface.down", "severity": "major"}, "alarms": [mine.pk]}
    ]


def test_bulk_acknowledge_refuses_ids_the_user_cannot_see(world: World, api) -> None:
    mine, other, theirs = _alarm(world.a), _alarm(world.a), _alarm(world.b)
    client = api("operator")
    response = client.post(
        "/api/v1/alarms/bulk-acknowledge/", {"ids": [mine.pk, theirs.pk]}, format="json"
    )
    assert response.status_code == 400 and "ids" in response.json()
    response = client.post(
        "/api/v1/alarms/bulk-acknowledge/", {"ids": [mine.pk, other.pk]}, format="json"
    )
    assert response.json() == {"acknowledged": sorted([mine.pk, other.pk])}
    assert set(Alarm.objects.filter(state="acknowledged").values_list("pk", flat=True)) == {
        mine.pk,
        other.pk,
    }


def test_clear_and_shelve(world: World, api) -> None:
    alarm = _alarm(world.a)
    client = api("operator")
    until = (timezone.now() + timedelta(hours=1)).isoformat()
    body = client.post(f"/api/v1/alarms/{alarm.pk}/shelve/", {"until": until}, format="json")
    assert body.json()["shelved_until"] is not None and body.json()["notifiable"] is False
    body = client.post(f"/api/v1/alarms/{alarm.pk}/clear/", {}, format="json").json()
    assert (body["state"], body["clear_reason"]) == ("cleared", "manual")
    bad = client.post(f"/api/v1/alarms/{alarm.pk}/shelve/", {"until": "soon"}, format="json")
    assert bad.status_code == 400 and "until" in bad.json()


def test_rules_round_trip_through_yaml_and_the_tester_finds_stored_events(
    world: World, api
) -> None:
    client = api("admin")
    device = f.DeviceFactory(customer=world.a)
    text = """
rules:
  - name: bgp-down
    kind: event
    condition: bgp.down
    severity: critical
    spec: {source: syslog, message_regex: 'BGP-5-ADJCHANGE: neighbor \\S+ Down'}
    flap_count: 3
"""
    response = client.post(
        "/api/v1/alarm-rules/import-yaml/", {"customer": world.a.pk, "yaml": text}, format="json"
    )
    assert response.status_code == 200, response.content
    exported = client.get(f"/api/v1/alarm-rules/export-yaml/?customer={world.a.pk}").content
    assert b"bgp-down" in exported and b"flap_count: 3" in exported
    again = client.post(
        "/api/v1/alarm-rules/import-yaml/",
        {"customer": world.a.pk, "yaml": exported.decode()},
        format="json",
    )
    assert again.status_code == 200 and AlarmRule.objects.count() == 1

    bad = client.post(
        "/api/v1/alarm-rules/import-yaml/",
        {"customer": world.a.pk, "yaml": "rules:\n  - name: x\n    kind: nope\n"},
        format="json",
    )
    assert bad.status_code == 400 and any("rules[0].kind" in m for m in bad.json()["yaml"])

    ingest.record_events(
        [
            EventIn(world.a.pk, "syslog", device_id=device.pk, message=text)
            for text in ("%BGP-5-ADJCHANGE: neighbor 10.0.0.1 Down", "%SYS-5-CONFIG_I: x")
        ]
    )
    spec = {"source": "syslog", "message_regex": "ADJCHANGE"}
    found = client.post(
        "/api/v1/alarm-rules/test/", {"kind": "event", "spec": spec}, format="json"
    ).json()
    assert [row["message"] for row in found] == ["%BGP-5-ADJCHANGE: neighbor 10.0.0.1 Down"]
    outsider = api("outsider").post(
        "/api/v1/alarm-rules/test/",
        {"customer": world.a.pk, "kind": "event", "spec": spec},
        format="json",
    )
    assert outsider.status_code == 400 and "customer" in outsider.json()


def test_webhook_tokens_alertmanager_and_plain_posts_and_revocation(world: World, api) -> None:
    admin = api("admin")
    assert api("operator").post("/api/v1/webhook-tokens/", {"name": "am"}).status_code == 403
    created = admin.post("/api/v1/webhook-tokens/", {"customer": world.a.pk, "name": "am"}).json()
    raw = created["token"]
    assert (
        raw.startswith("whk_")
        and "token" not in admin.get("/api/v1/webhook-tokens/").json()["results"][0]
    )
    device = f.DeviceFactory(customer=world.a, hostname="edge9")
    hook = APIClient()
    firing = {
        "version": "4",
        "status": "firing",
        "alerts": [
            {
                "status": "firing",
                "labels": {"alertname": "HighLoss", "device": "edge9", "severity": "critical"},
                "annotations": {"summary": "loss 40%"},
            }
        ],
    }
    response = hook.post(
        "/api/v1/inbound-events/", firing, format="json", HTTP_AUTHORIZATION=f"Bearer {raw}"
    )
    assert response.status_code == 202, response.content
    alarm = Alarm.objects.get()
    assert (alarm.customer_id, alarm.device_id, alarm.severity, alarm.condition) == (
        world.a.pk,
        device.pk,
        "critical",
        "HighLoss",
    )
    firing["alerts"][0]["status"] = "resolved"
    hook.post("/api/v1/inbound-events/", firing, format="json", HTTP_X_WEBNET_TOKEN=raw)
    alarm.refresh_from_db()
    assert alarm.state == "cleared"

    plain = {"condition": "backup.failed", "severity": "loud"}
    response = hook.post(
        "/api/v1/inbound-events/", plain, format="json", HTTP_AUTHORIZATION=f"Bearer {raw}"
    )
    assert response.status_code == 400 and "severity" in response.json()

    outsider = api("outsider").post(f"/api/v1/webhook-tokens/{created['id']}/revoke/")
    assert outsider.status_code == 404
    assert admin.post(f"/api/v1/webhook-tokens/{created['id']}/revoke/").status_code == 200
    response = hook.post(
        "/api/v1/inbound-events/",
        {"condition": "x"},
        format="json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 401
    assert Event.objects.filter(source="webhook").count() == 2


def test_alarms_and_events_filter_by_location_subtree_in_list_and_export(world: World, api) -> None:
    eu = f.RegionFactory(customer=world.a, name="EU")
    ams = f.SiteFactory(
        customer=world.a, name="AMS1", region=f.RegionFactory(customer=world.a, parent=eu)
    )
    hall = f.LocationFactory(site=ams)
    inside = f.DeviceFactory(customer=world.a, hostname="ams-r1", site=ams, location=hall)
    outside = f.DeviceFactory(customer=world.a, hostname="nyc-r1", site="NYC1")
    for device in (inside, outside):
        varbinds = {f"{conditions.IF_INDEX}.1": "1"}
        ingest.record_event(
            EventIn(
                world.a.pk,
                "trap",
                device_id=device.pk,
                data={"trap_oid": conditions.LINK_DOWN, "varbinds": varbinds},
            )
        )
    client = api("viewer")
    for node in (f"region:{eu.pk}", f"site:{ams.pk}", f"location:{hall.pk}"):
        alarms = client.get(f"/api/v1/alarms/?within={node}").json()["results"]
        assert [row["device"] for row in alarms] == [inside.pk], node
        events = client.get(f"/api/v1/events/?within={node}").json()["results"]
        assert [row["device"] for row in events] == [inside.pk], node
    export = client.get(f"/api/v1/alarms/export/?file_format=json&within=site:{ams.pk}")
    rows = json.loads(b"".join(export.streaming_content))
    assert export.status_code == 200 and [row["device"] for row in rows] == [inside.pk]
    for bad in ("planet:1", "site:x", "site:1\x00"):
        for path in ("alarms", "events", "alarms/export"):
            response = client.get(f"/api/v1/{path}/", {"within": bad})
            assert response.status_code == 400 and "within" in response.json(), (path, bad)


def test_inbound_webhooks_have_their_own_throttle_per_token(world: World, api) -> None:
    # given a token (the anonymous rate is 60/min: a burst from Alertmanager would exceed it)
    raw = api("admin").post("/api/v1/webhook-tokens/", {"customer": world.a.pk, "name": "am"})
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw.json()['token']}"}
    hook = APIClient()

    def alert(n: int) -> dict:
        return {"status": "firing", "labels": {"alertname": f"A{n}", "severity": "warning"}}

    burst = {"version": "4", "status": "firing", "alerts": [alert(n) for n in range(200)]}
    response = hook.post("/api/v1/inbound-events/", burst, format="json", **auth)
    assert response.status_code == 202 and response.json() == {"events": 200}
    # when it posts 100 times within a minute, then every post is accepted
    one = {"version": "4", "status": "firing", "alerts": [alert(0)]}
    for n in range(100):
        response = hook.post("/api/v1/inbound-events/", one, format="json", **auth)
        assert response.status_code == 202, (n, response.content)
    assert Alarm.objects.get(condition="A0").occurrences == 101
    bad = hook.post("/api/v1/inbound-events/", burst, format="json", HTTP_AUTHORIZATION="Bearer x")
    assert bad.status_code == 401
