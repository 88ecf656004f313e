"""Credentials: secrets are write-only: never rendered, kept when blank, cleared on request."""

from collections.abc import Callable

import asyncssh
from django.test import Client
from django.urls import reverse

from webnet.core.models import AuditEvent
from webnet.devices.models import Credential
from webnet.tests import factories
from webnet.tests.conftest import CANARY, World


def test_list_and_edit_show_flags_never_secrets(ui: Callable[[str], Client], world: World) -> None:
    credential = factories.CredentialFactory(
        customer=world.a, name="canary-cred", password=CANARY, enable_secret=CANARY + "-enable"
    )
    client = ui("admin")
    for url in (reverse("ui:credential_list"), reverse("ui:credential_edit", args=[credential.pk])):
        html = client.get(url).content.decode()
        assert CANARY not in html
        assert credential.password_encrypted not in html
    assert 'badge-green">password' in client.get(reverse("ui:credential_list")).content.decode()


def test_blank_secret_on_edit_keeps_it_and_typed_secret_replaces_it(
    ui: Callable[[str], Client], world: World
) -> None:
    credential = factories.CredentialFactory(
        customer=world.a, name="keep", password=CANARY, enable_secret=CANARY + "-enable"
    )
    url = reverse("ui:credential_edit", args=[credential.pk])
    client = ui("admin")
    assert client.post(url, {"name": "keep", "username": "u2", "password": ""}).status_code == 302
    credential.refresh_from_db()
    assert credential.reveal("password") == CANARY
    assert credential.username == "u2"
    client.post(url, {"name": "keep", "username": "u2", "password": "brand-new-pw"})
    credential.refresh_from_db()
    assert credential.reveal("password") == "brand-new-pw"


def test_clear_checkbox_removes_a_secret(ui: Callable[[str], Client], world: World) -> None:
    credential = factories.CredentialFactory(
        customer=world.a, name="clear", password=CANARY, enable_secret=CANARY + "-enable"
    )
    url = reverse("ui:credential_edit", args=[credential.pk])
    response = ui("admin").post(
        url, {"name": "clear", "username": "u", "clear_enable_secret": "on"}
    )
    assert response.status_code == 302
    credential.refresh_from_db()
    assert not credential.has_enable_secret
    assert credential.has_password
    event = AuditEvent.objects.get(action="update", object_id=str(credential.pk))
    assert event.changes["enable_secret_encrypted"] == ["***", ""]


def test_new_value_and_clear_together_is_an_inline_error(
    ui: Callable[[str], Client], world: World
) -> None:
    credential = factories.CredentialFactory(
        customer=world.a, name="both", password=CANARY, enable_secret=CANARY + "-enable"
    )
    response = ui("admin").post(
        reverse("ui:credential_edit", args=[credential.pk]),
        {"name": "both", "username": "u", "password": "x-new", "clear_password": "on"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["password"]
    assert b"x-new" not in response.content


def test_bad_ssh_key_is_an_inline_error(ui: Callable[[str], Client], world: World) -> None:
    response = ui("admin").post(
        reverse("ui:credential_create"),
        {"name": "k", "username": "u", "ssh_private_key": "not a key"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["ssh_private_key"]
    assert not Credential.objects.filter(name="k").exists()


def test_invalid_create_does_not_echo_the_typed_password(
    ui: Callable[[str], Client], world: World
) -> None:
    response = ui("admin").post(
        reverse("ui:credential_create"),
        {"name": "", "username": "u", "password": CANARY + "-typed"},
    )
    assert response.status_code == 400
    assert (CANARY + "-typed").encode() not in response.content


def test_failed_form_never_echoes_the_typed_private_key(
    ui: Callable[[str], Client], world: World
) -> None:
    """Given a valid private key and a password but a missing name, the re-render has neither."""
    key = asyncssh.generate_private_key("ssh-ed25519").export_private_key().decode()
    body = key.splitlines()[1]
    response = ui("admin").post(
        reverse("ui:credential_create"),
        {"name": "", "username": "u", "password": CANARY, "ssh_private_key": key},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["name"]
    assert body.encode() not in response.content
