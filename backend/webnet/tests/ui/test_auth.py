"""Login (throttled, audited, session rotated), logout (POST, audited), customer switcher."""

from collections.abc import Callable

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from webnet.core.models import AuditEvent
from webnet.tests.conftest import World
from webnet.tests.factories import DEFAULT_PASSWORD
from webnet.ui.auth import parse_rate
from webnet.ui.middleware import SESSION_KEY


@pytest.fixture(autouse=True)
def _clear_throttle() -> None:
    cache.clear()


def test_login_success_rotates_session_and_is_audited(world: World) -> None:
    client = Client()
    client.get(reverse("ui:login"))
    client.session.save()
    before = client.session.session_key
    response = client.post(
        reverse("ui:login"), {"username": "a-admin", "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("ui:dashboard")
    assert client.session.session_key != before
    assert AuditEvent.objects.filter(action="login", actor=world.admin).count() == 1


def test_login_failure_is_audited_and_shown(world: World) -> None:
    response = Client().post(reverse("ui:login"), {"username": "a-admin", "password": "wrong"})
    assert response.status_code == 400
    assert b"alert-error" in response.content
    assert AuditEvent.objects.filter(action="login_failed", object_repr="a-admin").count() == 1


def test_login_redirects_only_to_safe_next(world: World) -> None:
    data = {"username": "a-admin", "password": DEFAULT_PASSWORD}
    evil = Client().post(reverse("ui:login") + "?next=https://evil.example/", data)
    assert evil["Location"] == reverse("ui:dashboard")
    good = Client().post(reverse("ui:login") + "?next=/devices/", data)
    assert good["Location"] == "/devices/"


def test_login_is_throttled_per_ip(world: World, settings: object) -> None:
    settings.LOGIN_RATE = "3/min"  # type: ignore[attr-defined]
    client = Client()
    for _ in range(3):
        client.post(reverse("ui:login"), {"username": "a-admin", "password": "wrong"})
    response = client.post(
        reverse("ui:login"), {"username": "a-admin", "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 429
    assert b"Too many login attempts" in response.content
    other_ip = Client(REMOTE_ADDR="10.9.9.9").post(
        reverse("ui:login"), {"username": "a-admin", "password": DEFAULT_PASSWORD}
    )
    assert other_ip.status_code == 302


def test_parse_rate() -> None:
    assert parse_rate("10/min") == (10, 60)
    assert parse_rate("5/h") == (5, 3600)
    assert parse_rate("100/day") == (100, 86400)


def test_logout_is_post_only_and_audited(ui: Callable[[str], Client], world: World) -> None:
    client = ui("viewer")
    assert client.get(reverse("ui:logout")).status_code == 405
    assert client.post(reverse("ui:logout")).status_code == 302
    assert AuditEvent.objects.filter(action="logout", actor=world.viewer).count() == 1
    assert client.get(reverse("ui:dashboard")).status_code == 302


def test_switch_to_a_visible_customer(ui: Callable[[str], Client], world: World) -> None:
    from webnet.tests import factories

    factories.MembershipFactory(user=world.viewer, customer=world.b)
    client = ui("viewer")
    assert client.post(reverse("ui:switch_customer"), {"customer": world.b.pk}).status_code == 302
    assert client.session[SESSION_KEY] == world.b.pk
    htmx = client.post(
        reverse("ui:switch_customer"), {"customer": world.a.pk}, headers={"HX-Request": "true"}
    )
    assert htmx["HX-Redirect"] == reverse("ui:dashboard")


def test_switch_to_an_invisible_customer_is_404(ui: Callable[[str], Client], world: World) -> None:
    client = ui("viewer")
    assert client.post(reverse("ui:switch_customer"), {"customer": world.b.pk}).status_code == 404
    assert client.post(reverse("ui:switch_customer"), {"customer": "x"}).status_code == 404
    assert client.get(reverse("ui:switch_customer")).status_code == 405
    assert client.session.get(SESSION_KEY) is None
