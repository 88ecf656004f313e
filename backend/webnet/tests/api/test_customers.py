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
