"""Customers: members see theirs, admins edit theirs, only platform staff create or delete."""

import pytest

from webnet.core.models import AuditEvent
from webnet.tests.conftest import World, client_for


@pytest.mark.parametrize("role", ["viewer", "operator", "admin"])
def test_members_see_only_their_customer(world: World, api, role: str) -> None:
    names = [c["name"] for c in api(role).get("/api/v1/customers/").json()["results"]]
    assert names == ["Alpha Networks"]


def test_staff_sees_every_customer(world: World) -> None:
    response = client_for(world.staff).get("/api/v1/customers/")
    assert {c["slug"] for c in response.json()["results"]} == {"alpha", "bravo"}


def test_outsider_gets_404_for_another_customer(world: World, api) -> None:
    assert api("outsider").get(f"/api/v1/customers/{world.a.pk}/").status_code == 404
    assert (
        api("outsider").patch(f"/api/v1/customers/{world.a.pk}/", {"name": "x"}).status_code == 404
    )


@pytest.mark.parametrize(("role", "status"), [("viewer", 403), ("operator", 403), ("admin", 200)])
def test_only_admin_edits_customer(world: World, api, role: str, status: int) -> None:
    response = api(role).patch(f"/api/v1/customers/{world.a.pk}/", {"description": "tier 1"})
    assert response.status_code == status


@pytest.mark.parametrize("role", ["viewer", "operator", "admin"])
def test_members_cannot_create_or_delete_customers(world: World, api, role: str) -> None:
    assert api(role).post("/api/v1/customers/", {"name": "New", "slug": "new"}).status_code == 403
    assert api(role).delete(f"/api/v1/customers/{world.a.pk}/").status_code == 403


def test_staff_creates_customer_and_it_is_audited(world: World) -> None:
    response = client_for(world.staff).post("/api/v1/customers/", {"name": "Charlie", "slug": "c"})
    assert response.status_code == 201
    event = AuditEvent.objects.first()
    assert (event.action, event.actor_repr, event.customer_id) == (
        "create",
        "staff",
        response.json()["id"],
    )


def test_duplicate_slug_is_a_field_error(world: World) -> None:
    response = client_for(world.staff).post(
        "/api/v1/customers/", {"name": "Other", "slug": "alpha"}
    )
    assert response.status_code == 400
    assert "slug" in response.json()


def test_admin_reads_a_user_of_their_customer_and_creates_one(world: World, api) -> None:
    assert api("admin").get(f"/api/v1/users/{world.viewer.pk}/").status_code == 200
    assert api("admin").get(f"/api/v1/users/{world.outsider.pk}/").status_code == 404
    created = api("admin").post(
        "/api/v1/users/",
        {
            "username": "newbie",
            "password": "a-long-passphrase-1",
            "customer": world.a.pk,
            "is_active": False,
        },
        format="json",
    )
    assert created.status_code == 201 and created.json()["is_active"] is True


def _add_member(client, customer_id: int, user_id: int):  # type: ignore[no-untyped-def]
    payload = {"customer": customer_id, "user": user_id, "role": "viewer"}
    return client.post("/api/v1/memberships/", payload, format="json")


def test_admin_cannot_add_another_customers_user_by_id(world: World, api) -> None:
    """Given A's viewer, B's admin adding them by id gets what a missing id gets: 400, no row."""
    client = api("outsider")
    seen = _add_member(client, world.b.pk, world.viewer.pk)
    unseen = _add_member(client, world.b.pk, 999_999)
    assert seen.status_code == unseen.status_code == 400
    assert seen.json() == {
        "user": [str(unseen.json()["user"][0]).replace("999999", str(world.viewer.pk))]
    }
    assert not world.viewer.memberships.filter(customer=world.b).exists()
    assert client.get(f"/api/v1/users/{world.viewer.pk}/").status_code == 404


def test_staff_adds_any_user_directly_through_grant_role(world: World) -> None:
    response = _add_member(client_for(world.staff), world.b.pk, world.viewer.pk)
    assert response.status_code == 201, response.content
    event = AuditEvent.objects.get(object_type="customers.membership")
    assert (event.action, event.customer_id) == ("create", world.b.pk)


def _invite(client, customer_id: int, invitee: str):  # type: ignore[no-untyped-def]
    payload = {"customer": customer_id, "invitee": invitee, "role": "operator"}
    return client.post("/api/v1/invitations/", payload, format="json")


def _shape(response) -> dict:  # type: ignore[no-untyped-def]
    body = dict(response.json())
    return {k: v for k, v in body.items() if k not in ("id", "invitee", "created_at")}


def test_invitation_answers_the_same_for_existing_and_missing_users(world: World, api) -> None:
    """Given A's viewer (by username and by email) and names nobody has, B's admin gets the same
    answer, list rows and audit events for each: nothing tells who exists."""
    world.viewer.email = "viewer@alpha.example"
    world.viewer.save()
    client = api("outsider")
    answers = [
        _invite(client, world.b.pk, name)
        for name in ("a-viewer", "nobody-here", "viewer@alpha.example", "ghost@nowhere.example")
    ]
    assert {r.status_code for r in answers} == {201}
    assert all(_shape(r) == _shape(answers[0]) for r in answers)
    listed = client.get("/api/v1/invitations/").json()["results"]
    assert {tuple(sorted(row)) for row in listed} == {tuple(sorted(answers[0].json()))}
    assert {row["status"] for row in listed} == {"pending"}
    events = AuditEvent.objects.filter(object_type="customers.invitation")
    assert [sorted(event.changes) for event in events] == [["invitee", "role", "status"]] * 4
    assert client.get(f"/api/v1/users/{world.viewer.pk}/").status_code == 404


def test_invited_user_accepts_and_becomes_a_member(world: World, api) -> None:
    invitation = _invite(api("outsider"), world.b.pk, "a-viewer").json()
    mine = api("viewer").get("/api/v1/invitations/").json()["results"]
    assert [row["id"] for row in mine] == [invitation["id"]]
    assert api("admin").post(f"/api/v1/invitations/{invitation['id']}/accept/").status_code == 404
    accepted = api("viewer").post(f"/api/v1/invitations/{invitation['id']}/accept/")
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    assert world.viewer.memberships.get(customer=world.b).role == "operator"
    again = api("viewer").post(f"/api/v1/invitations/{invitation['id']}/accept/")
    assert again.status_code == 403
    assert AuditEvent.objects.filter(object_type="customers.membership", action="create").exists()


def test_invited_user_declines_and_admin_revokes(world: World, api) -> None:
    first = _invite(api("outsider"), world.b.pk, "a-viewer").json()
    declined = api("viewer").post(f"/api/v1/invitations/{first['id']}/decline/")
    assert declined.status_code == 200 and declined.json()["status"] == "declined"
    assert not world.viewer.memberships.filter(customer=world.b).exists()
    second = _invite(api("outsider"), world.b.pk, "a-viewer").json()
    assert api("viewer").delete(f"/api/v1/invitations/{second['id']}/").status_code == 403
    assert api("outsider").delete(f"/api/v1/invitations/{second['id']}/").status_code == 204
    assert api("viewer").post(f"/api/v1/invitations/{second['id']}/accept/").status_code == 404


@pytest.mark.parametrize(("payload", "field"), [({}, "invitee"), ({"invitee": "  "}, "invitee")])
def test_invitation_needs_an_invitee_and_role_defaults_to_viewer(
    world: World, api, payload: dict, field: str
) -> None:
    response = api("admin").post("/api/v1/invitations/", payload, format="json")
    assert response.status_code == 400 and field in response.json()
    created = api("admin").post("/api/v1/invitations/", {"invitee": "x"}, format="json")
    assert created.status_code == 201 and created.json()["role"] == "viewer"
