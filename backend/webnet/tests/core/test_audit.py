"""Audit: immutable, scoped reads, request id and IP recorded, secrets masked."""

import pytest

from webnet.core.models import AuditEvent, ImmutableError
from webnet.tests import factories as f
from webnet.tests.conftest import World, client_for


def test_events_carry_request_id_ip_actor_and_customer(world: World, api) -> None:
    response = api("operator").post(
        "/api/v1/tags/",
        {"customer": world.a.pk, "name": "core"},
        format="json",
        HTTP_X_REQUEST_ID="req-123",
        REMOTE_ADDR="198.51.100.9",
    )
    assert response.status_code == 201 and response["X-Request-ID"] == "req-123"
    event = AuditEvent.objects.get()
    assert (event.request_id, event.ip, event.actor, event.customer) == (
        "req-123",
        "198.51.100.9",
        world.operator,
        world.a,
    )
    assert event.object_type == "devices.tag" and event.changes["name"] == [None, "core"]


def test_unsafe_request_id_is_replaced(world: World, api) -> None:
    response = api("admin").get("/api/v1/devices/", HTTP_X_REQUEST_ID="bad id\n<script>")
    assert response["X-Request-ID"] != "bad id\n<script>" and len(response["X-Request-ID"]) == 32


def test_events_cannot_be_changed_or_deleted(world: World, api) -> None:
    api("operator").post("/api/v1/tags/", {"customer": world.a.pk, "name": "x"}, format="json")
    event = AuditEvent.objects.get()
    event.action = "tampered"
    with pytest.raises(ImmutableError):
        event.save()
    with pytest.raises(ImmutableError):
        event.delete()
    with pytest.raises(ImmutableError):
        AuditEvent.objects.all().delete()
    with pytest.raises(ImmutableError):
        AuditEvent.objects.update(action="x")


def test_audit_reads_are_scoped(world: World, api) -> None:
    api("operator").post("/api/v1/tags/", {"customer": world.a.pk, "name": "a-tag"}, format="json")
    api("outsider").post("/api/v1/tags/", {"customer": world.b.pk, "name": "b-tag"}, format="json")

    def reprs(client) -> list[str]:
        return [e["object_repr"] for e in client.get("/api/v1/audit-events/").json()["results"]]

    assert reprs(api("admin")) == ["a-tag"]
    assert reprs(api("outsider")) == ["b-tag"]
    assert reprs(api("operator")) == [] and reprs(api("viewer")) == []
    assert sorted(reprs(client_for(world.staff))) == ["a-tag", "b-tag"]
    b_event = AuditEvent.objects.get(object_repr="b-tag")
    assert api("admin").get(f"/api/v1/audit-events/{b_event.pk}/").status_code == 404


def test_audit_filters(world: World, api) -> None:
    client = api("admin")
    client.post("/api/v1/tags/", {"customer": world.a.pk, "name": "t1"}, format="json")
    tag_id = AuditEvent.objects.get().object_id
    client.delete(f"/api/v1/tags/{tag_id}/")
    rows = client.get("/api/v1/audit-events/?action=delete").json()["results"]
    assert [r["action"] for r in rows] == ["delete"]
    rows = client.get("/api/v1/audit-events/?actor=a-admin&object_type=devices.tag").json()
    assert rows["count"] == 2


def test_membership_changes_are_audited(world: World, api) -> None:
    user = f.UserFactory(username="newbie")  # in no customer: only staff adds them directly
    created = (
        client_for(world.staff)
        .post(
            "/api/v1/memberships/",
            {"customer": world.a.pk, "user": user.pk, "role": "viewer"},
            format="json",
        )
        .json()
    )
    api("admin").patch(f"/api/v1/memberships/{created['id']}/", {"role": "admin"}, format="json")
    api("admin").delete(f"/api/v1/memberships/{created['id']}/")
    events = list(AuditEvent.objects.filter(object_type="customers.membership").order_by("id"))
    assert [e.action for e in events] == ["create", "update", "delete"]
    assert events[1].changes == {"role": ["viewer", "admin"]}
