"""Credentials: write-only secrets, encrypted at rest, masked in audit."""

from webnet.core import crypto
from webnet.core.models import AuditEvent
from webnet.devices.models import Credential
from webnet.tests.conftest import CANARY, World


def test_secrets_are_write_only_and_encrypted(world: World, api) -> None:
    response = api("admin").post(
        "/api/v1/credentials/",
        {
            "customer": world.a.pk,
            "name": "core",
            "username": "noc",
            "password": CANARY,
        },
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["has_password"] is True and body["has_enable_secret"] is False
    assert "password" not in body and CANARY not in str(body)
    stored = Credential.objects.get(pk=body["id"])
    assert CANARY not in stored.password_encrypted
    assert stored.reveal("password") == CANARY
    event = AuditEvent.objects.first()
    assert event.changes["password_encrypted"] == ["", "***"]
    assert CANARY not in str(event.changes) and stored.password_encrypted not in str(event.changes)


def test_update_without_secret_keeps_it_and_change_is_visible_but_masked(world: World, api) -> None:
    created = (
        api("admin")
        .post(
            "/api/v1/credentials/",
            {
                "customer": world.a.pk,
                "name": "core",
                "username": "noc",
                "password": "first",
            },
            format="json",
        )
        .json()
    )
    url = f"/api/v1/credentials/{created['id']}/"
    assert api("admin").patch(url, {"description": "x"}, format="json").status_code == 200
    assert Credential.objects.get().reveal("password") == "first"
    assert api("admin").patch(url, {"password": "second"}, format="json").status_code == 200
    assert Credential.objects.get().reveal("password") == "second"
    assert AuditEvent.objects.first().changes == {"password_encrypted": ["***", "***"]}
    assert api("admin").patch(url, {"password": ""}, format="json").json()["has_password"] is False


def test_bad_private_key_is_a_field_error(world: World, api) -> None:
    response = api("admin").post(
        "/api/v1/credentials/",
        {
            "customer": world.a.pk,
            "name": "k",
            "username": "noc",
            "ssh_private_key": "not a key",
        },
        format="json",
    )
    assert response.status_code == 400 and "ssh_private_key" in response.json()


def test_operator_cannot_read_secret_material_anyway(world: World, api) -> None:
    api("admin").post(
        "/api/v1/credentials/",
        {
            "customer": world.a.pk,
            "name": "core",
            "username": "noc",
            "password": CANARY,
        },
        format="json",
    )
    for role in ("viewer", "operator", "admin"):
        listing = api(role).get("/api/v1/credentials/")
        assert listing.status_code == 200 and CANARY not in listing.content.decode()


def test_encryption_round_trip_and_empty() -> None:
    assert crypto.decrypt(crypto.encrypt("abc")) == "abc"
    assert crypto.encrypt("") == "" and crypto.decrypt("") == ""


def test_failed_api_write_never_echoes_secrets(world: World, api) -> None:
    """Given a bad key holding the canary, the API's 400 body names the field, not the value."""
    response = api("admin").post(
        "/api/v1/credentials/",
        {
            "customer": world.a.pk,
            "name": "",
            "username": "u",
            "password": CANARY,
            "ssh_private_key": f"-----BEGIN OPENSSH PRIVATE KEY-----\n{CANARY}\n",
        },
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()) == {"name", "ssh_private_key"}
