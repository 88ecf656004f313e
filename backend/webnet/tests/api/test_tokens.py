"""API tokens: shown once, stored hashed, narrowing, expiry, revocation, last use."""

from datetime import timedelta

from django.utils import timezone
from rest_framework.test import APIClient

from webnet.tests import factories as f
from webnet.tests.conftest import World
from webnet.users.models import APIToken


def _bearer(raw: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def _mint(world: World, api, **payload) -> str:
    response = api("admin").post("/api/v1/tokens/", {"name": "ci", **payload}, format="json")
    assert response.status_code == 201, response.content
    return response.json()["token"]


def test_token_is_shown_once_and_stored_hashed(world: World, api) -> None:
    raw = _mint(world, api)
    assert raw.startswith("wn_")
    token = APIToken.objects.get()
    assert raw not in (token.key_hash, token.key_id) and token.matches(raw)
    listed = api("admin").get("/api/v1/tokens/").json()["results"]
    assert listed[0]["token"] is None and raw not in str(listed)


def test_token_authenticates_and_records_last_use(world: World, api) -> None:
    f.DeviceFactory(customer=world.a, hostname="core1")
    raw = _mint(world, api)
    response = _bearer(raw).get("/api/v1/devices/")
    assert [d["hostname"] for d in response.json()["results"]] == ["core1"]
    assert APIToken.objects.get().last_used_at is not None


def test_read_only_token_reads_but_cannot_write_or_mint(world: World, api) -> None:
    raw = _mint(world, api, read_only=True)
    client = _bearer(raw)
    assert client.get("/api/v1/devices/").status_code == 200
    denied = client.post("/api/v1/tags/", {"name": "x", "customer": world.a.pk}, format="json")
    assert denied.status_code == 403
    assert client.post("/api/v1/tokens/", {"name": "escalate"}, format="json").status_code == 403


def test_customer_bound_token_sees_only_that_customer(world: World, api) -> None:
    f.MembershipFactory(user=world.admin, customer=world.b, role="admin")
    f.DeviceFactory(customer=world.a, hostname="a-dev")
    f.DeviceFactory(customer=world.b, hostname="b-dev")
    raw = _mint(world, api, customer=world.a.pk)
    names = [d["hostname"] for d in _bearer(raw).get("/api/v1/devices/").json()["results"]]
    assert names == ["a-dev"]
    unbound = _bearer(raw).post("/api/v1/tokens/", {"name": "wider"}, format="json")
    assert unbound.status_code == 400


def test_expired_revoked_and_garbage_tokens_are_refused(world: World, api) -> None:
    raw = _mint(world, api, expires_at=(timezone.now() - timedelta(minutes=1)).isoformat())
    assert _bearer(raw).get("/api/v1/devices/").status_code == 401
    raw2 = _mint(world, api)
    token = APIToken.objects.get(key_id=raw2.split("_")[1])
    assert api("admin").delete(f"/api/v1/tokens/{token.pk}/").status_code == 204
    assert _bearer(raw2).get("/api/v1/devices/").status_code == 401
    assert _bearer("wn_nothing_here").get("/api/v1/devices/").status_code == 401
    assert _bearer(raw2[:-1] + "x").get("/api/v1/devices/").status_code == 401


def test_users_see_only_their_own_tokens(world: World, api) -> None:
    _mint(world, api)
    assert api("viewer").get("/api/v1/tokens/").json()["results"] == []
    token = APIToken.objects.get()
    assert api("viewer").delete(f"/api/v1/tokens/{token.pk}/").status_code == 404


def test_token_customer_must_be_visible(world: World, api) -> None:
    response = api("admin").post(
        "/api/v1/tokens/", {"name": "x", "customer": world.b.pk}, format="json"
    )
    assert response.status_code == 400 and "customer" in response.json()


def test_customer_bound_token_sees_only_its_customers_tokens_and_memberships(
    world: World, api
) -> None:
    """Given a user in A and B with tokens for each, B's token cannot see or revoke A's."""
    f.MembershipFactory(user=world.admin, customer=world.b, role="admin")
    for_a = _mint(world, api, customer=world.a.pk)
    unbound = _mint(world, api)
    for_b = _bearer(_mint(world, api, customer=world.b.pk))
    listed = for_b.get("/api/v1/tokens/").json()["results"]
    assert [row["customer"] for row in listed] == [world.b.pk]
    for raw in (for_a, unbound):
        token = APIToken.objects.get(key_id=raw.split("_")[1])
        assert for_b.get(f"/api/v1/tokens/{token.pk}/").status_code == 404
        assert for_b.delete(f"/api/v1/tokens/{token.pk}/").status_code == 404
        assert _bearer(raw).get("/api/v1/devices/").status_code == 200
    me = for_b.get("/api/v1/users/me/").json()
    assert [m["customer"] for m in me["memberships"]] == [world.b.pk]
    memberships = for_b.get(f"/api/v1/memberships/?user={world.admin.pk}").json()["results"]
    assert {m["customer"] for m in memberships} == {world.b.pk}
