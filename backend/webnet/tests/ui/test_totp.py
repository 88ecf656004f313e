"""TOTP: enrolment, the login step, and the per-customer rule on session login and API tokens."""

import time

import pyotp
import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from webnet.core import crypto
from webnet.core.models import AuditEvent
from webnet.tests.conftest import World
from webnet.tests.factories import DEFAULT_PASSWORD
from webnet.ui.totp import SECRET
from webnet.users import services as user_services
from webnet.users import totp
from webnet.users.models import TOTPDevice


@pytest.fixture(autouse=True)
def _clear_throttle() -> None:
    cache.clear()


def _password_step(client: Client, username: str = "a-admin") -> str:
    response = client.post(
        reverse("ui:login"), {"username": username, "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302
    return response["Location"]


def _enrol(client: Client) -> pyotp.TOTP:
    assert client.get(reverse("ui:totp_enrol")).status_code == 200
    secret = crypto.decrypt(client.session[SECRET])
    code = pyotp.TOTP(secret)
    # The previous window's code (accepted for clock drift), so that the current one stays
    # unused for the login step: each code works once.
    response = client.post(reverse("ui:totp_enrol"), {"code": code.at(time.time() - 30)})
    assert response.status_code == 302
    return code


def _logged_in(client: Client) -> bool:
    return client.get(reverse("ui:dashboard")).status_code == 200


def test_without_totp_the_password_logs_in(world: World) -> None:
    client = Client()
    assert _password_step(client) == reverse("ui:dashboard") and _logged_in(client)


def test_required_admin_must_enrol_before_the_session_is_logged_in(world: World) -> None:
    world.a.require_admin_totp = True
    world.a.save()
    client = Client()
    assert _password_step(client) == reverse("ui:totp_enrol")
    assert not _logged_in(client)
    _enrol(client)
    assert _logged_in(client)
    assert AuditEvent.objects.filter(action="totp_enrolled", actor=world.admin).count() == 1
    assert totp.confirmed_device(world.admin) is not None


def test_enrolled_user_needs_a_valid_fresh_code(world: World) -> None:
    enrolment = Client()
    enrolment.force_login(world.operator)
    code = _enrol(enrolment)
    client = Client()
    assert _password_step(client, "a-operator") == reverse("ui:totp_verify")
    assert not _logged_in(client)
    wrong = client.post(reverse("ui:totp_verify"), {"code": "000000"})
    assert wrong.status_code == 400 and not _logged_in(client)
    before = client.session.session_key
    current = code.now()
    response = client.post(reverse("ui:totp_verify"), {"code": current})
    assert response.status_code == 302 and _logged_in(client)
    assert client.session.session_key != before  # rotated at the real login
    replay = Client()
    _password_step(replay, "a-operator")
    assert replay.post(reverse("ui:totp_verify"), {"code": current}).status_code == 400


def test_the_secret_is_stored_encrypted(world: World) -> None:
    client = Client()
    client.force_login(world.viewer)
    code = _enrol(client)
    stored = TOTPDevice.objects.get(user=world.viewer).secret_encrypted
    assert code.secret not in stored and crypto.decrypt(stored) == code.secret


def test_tokens_of_a_required_admin_without_totp_are_refused(world: World) -> None:
    _, raw = user_services.create_token(None, user=world.admin, name="ci")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert client.get("/api/v1/devices/").status_code == 200
    world.a.require_admin_totp = True
    world.a.save()
    refused = client.get("/api/v1/devices/")
    assert refused.status_code == 401 and "TOTP" in refused.json()["detail"]
    enrolment = Client()
    enrolment.force_login(world.admin)
    _enrol(enrolment)
    assert client.get("/api/v1/devices/").status_code == 200


def test_the_rule_is_for_admins_only(world: World) -> None:
    world.a.require_admin_totp = True
    world.a.save()
    assert totp.required(world.admin)
    assert not totp.required(world.operator) and not totp.required(world.viewer)


def test_sessions_opened_before_the_rule_end_at_their_next_request(world: World) -> None:
    client = Client()
    _password_step(client)
    assert _logged_in(client)
    world.a.require_admin_totp = True
    world.a.save()
    response = client.get(reverse("ui:device_list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("ui:login"))
    assert not _logged_in(client)
    assert client.get("/api/v1/devices/").status_code in (401, 403)
    # After enrolling (password, then the second factor) the same person works normally.
    _password_step(client)
    _enrol(client)
    assert _logged_in(client) and client.get(reverse("ui:device_list")).status_code == 200


def test_a_viewer_is_not_affected_by_the_admin_rule(world: World) -> None:
    client = Client()
    _password_step(client, "a-viewer")
    world.a.require_admin_totp = True
    world.a.save()
    assert _logged_in(client)
