"""API tokens: the user's own; the raw value is shown once (CopyOnce island), stored hashed."""

import json
from collections.abc import Callable

from django.test import Client
from django.urls import reverse

from webnet.core.models import AuditEvent
from webnet.tests.conftest import World
from webnet.users.models import APIToken


def test_create_shows_raw_value_once_then_only_the_key_id(
    ui: Callable[[str], Client], world: World
) -> None:
    client = ui("viewer")
    created = client.post(
        reverse("ui:token_create"),
        {"name": "ci", "customer": world.a.pk, "read_only": "on", "expires_at": "2999-01-01T00:00"},
    )
    token = APIToken.objects.get(user=world.viewer)
    assert created.status_code == 302
    assert created["Location"] == reverse("ui:token_created", args=[token.pk])
    response = client.get(created["Location"])
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert 'data-island="CopyOnce"' in html
    raw = response.context["secret_props"]["value"]
    assert json.dumps(raw)[1:-1] in html
    assert token.matches(raw) and token.read_only and token.customer_id == world.a.pk
    listing = client.get(reverse("ui:token_list")).content.decode()
    assert raw not in listing and token.key_id in listing
    assert AuditEvent.objects.filter(action="create", object_type="users.apitoken").count() == 1


def test_refreshing_the_created_page_neither_makes_a_token_nor_shows_the_value(
    ui: Callable[[str], Client], world: World
) -> None:
    client = ui("viewer")
    created = client.post(reverse("ui:token_create"), {"name": "ci"}, follow=True)
    raw = created.context["secret_props"]["value"]
    refreshed = client.get(created.redirect_chain[-1][0], follow=True)
    assert refreshed.redirect_chain[-1][0] == reverse("ui:token_list")
    assert raw not in refreshed.content.decode() and "shown once" in refreshed.content.decode()
    assert APIToken.objects.filter(user=world.viewer).count() == 1
    # Another user cannot open the page of someone else's token.
    token = APIToken.objects.get(user=world.viewer)
    assert ui("operator").get(reverse("ui:token_created", args=[token.pk])).status_code == 404


def test_customer_choice_is_limited_to_the_users_customers(
    ui: Callable[[str], Client], world: World
) -> None:
    response = ui("viewer").post(reverse("ui:token_create"), {"name": "x", "customer": world.b.pk})
    assert response.status_code == 400
    assert response.context["form"].errors["customer"]
    assert "Bravo" not in ui("viewer").get(reverse("ui:token_create")).content.decode()


def test_past_expiry_is_an_inline_error(ui: Callable[[str], Client], world: World) -> None:
    response = ui("viewer").post(
        reverse("ui:token_create"), {"name": "x", "expires_at": "2000-01-01T00:00"}
    )
    assert response.status_code == 400
    assert b"field-error" in response.content


def test_revoke_own_token_only(ui: Callable[[str], Client], world: World) -> None:
    ui("viewer").post(reverse("ui:token_create"), {"name": "mine"})
    token = APIToken.objects.get(user=world.viewer)
    assert ui("operator").post(reverse("ui:token_revoke", args=[token.pk])).status_code == 404
    assert ui("viewer").get(reverse("ui:token_revoke", args=[token.pk])).status_code == 405
    assert ui("viewer").post(reverse("ui:token_revoke", args=[token.pk])).status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
