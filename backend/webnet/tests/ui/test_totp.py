"""TOTP: the login step, enrolment (only from a signed-in session), recovery codes, disabling,
and the per-customer rule (a customer requiring TOTP of its admins withholds only itself)."""

import time

import pyotp
import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from webnet.core import crypto
from webnet.core.models import AuditEvent
from webnet.customers import services as customer_services
from webnet.tests import factories
from webnet.tests.conftest import World
from webnet.tests.factories import DEFAULT_PASSWORD
from webnet.ui.account import SECRET
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


def _enrol(client: Client, proof: str = "") -> tuple[pyotp.TOTP, list[str]]:
    """Enrol from the signed-in `client`; returns the authenticator and the recovery codes."""
    page = client.get(reverse("ui:totp_enrol"))
    assert page.status_code == 200 and b'src="data:image/svg+xml' in page.content
    code = pyotp.TOTP(crypto.decrypt(client.session[SECRET]))
    # The previous window's code (accepted for clock drift), so that the current one stays
    # unused for the next step: each code works once.
    response = client.post(
        reverse("ui:totp_enrol"), {"code": code.at(time.time() - 30), "proof": proof}
    )
    assert response.status_code == 302, response.content
    shown = client.get(response["Location"])
    return code, shown.context["codes"]


def _logged_in(client: Client) -> bool:
    return client.get(reverse("ui:dashboard")).status_code == 200


def _two_customer_admin(world: World) -> None:
    """A's admin is also admin of B, and B requires TOTP of its admins."""
    customer_services.grant_role(world.outsider, world.admin, world.b, "admin")
    customer_services.update_customer(world.outsider, world.b, {"require_admin_totp": True})


def test_without_totp_the_password_logs_in(world: World) -> None:
    client = Client()
    assert _password_step(client) == reverse("ui:dashboard") and _logged_in(client)


def test_enrolled_user_needs_a_valid_fresh_code(world: World) -> None:
    code, _ = factories.enrol_totp(world.operator)
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


def test_a_pending_login_cannot_enrol_a_new_device(world: World) -> None:
    """Attack: the password alone, then enrolment from the pending session instead of the code."""
    own, _ = factories.enrol_totp(world.admin)
    client = Client()
    assert _password_step(client) == reverse("ui:totp_verify")
    page = client.get(reverse("ui:totp_enrol"))
    assert page.status_code == 302 and page["Location"].startswith(reverse("ui:login"))
    assert SECRET not in client.session
    attacker = pyotp.TOTP(pyotp.random_base32())
    client.post(reverse("ui:totp_enrol"), {"code": attacker.now()})
    assert not _logged_in(client)
    stored = TOTPDevice.objects.get(user=world.admin)
    assert crypto.decrypt(stored.secret_encrypted) == own.secret
    # The owner's authenticator still works.
    owner = Client()
    _password_step(owner)
    assert owner.post(reverse("ui:totp_verify"), {"code": own.now()}).status_code == 302


def test_replacing_a_device_needs_its_current_code(world: World) -> None:
    client = Client()
    _password_step(client)
    old, _ = _enrol(client)
    page = client.get(reverse("ui:totp_enrol"))
    assert page.context["replacing"]
    new = pyotp.TOTP(crypto.decrypt(client.session[SECRET]))
    refused = client.post(reverse("ui:totp_enrol"), {"code": new.now(), "proof": "123456"})
    assert refused.status_code == 400 and refused.context["errors"]["proof"]
    assert crypto.decrypt(TOTPDevice.objects.get(user=world.admin).secret_encrypted) == old.secret
    replaced = client.post(reverse("ui:totp_enrol"), {"code": new.now(), "proof": old.now()})
    assert replaced.status_code == 302
    assert crypto.decrypt(TOTPDevice.objects.get(user=world.admin).secret_encrypted) == new.secret
    assert AuditEvent.objects.filter(action="totp_replaced", actor=world.admin).exists()


def test_the_secret_and_recovery_codes_are_stored_encrypted_and_hashed(world: World) -> None:
    client = Client()
    client.force_login(world.viewer)
    code, recovery = _enrol(client)
    stored = TOTPDevice.objects.get(user=world.viewer)
    assert (
        code.secret not in stored.secret_encrypted
        and crypto.decrypt(stored.secret_encrypted) == code.secret
    )
    assert len(recovery) == totp.RECOVERY_CODES == len(stored.recovery_hashes)
    row = str(TOTPDevice.objects.filter(pk=stored.pk).values().get())
    assert not any(c in row or c.replace("-", "") in row for c in recovery)


def test_recovery_codes_are_shown_once_and_work_once_at_login(world: World) -> None:
    client = Client()
    client.force_login(world.viewer)
    _, recovery = _enrol(client)
    again = client.get(reverse("ui:totp_recovery_codes"))
    assert again.status_code == 302 and again["Location"] == reverse("ui:account")
    login = Client()
    _password_step(login, "a-viewer")
    assert login.post(reverse("ui:totp_verify"), {"code": recovery[0].upper()}).status_code == 302
    assert _logged_in(login)
    reuse = Client()
    _password_step(reuse, "a-viewer")
    assert reuse.post(reverse("ui:totp_verify"), {"code": recovery[0]}).status_code == 400
    assert AuditEvent.objects.filter(action="totp_recovery_used").count() == 1
    account = login.get(reverse("ui:account"))
    assert account.context["codes_left"] == totp.RECOVERY_CODES - 1


def test_regenerating_recovery_codes_needs_a_proof_and_retires_the_old(world: World) -> None:
    client = Client()
    client.force_login(world.viewer)
    code, old = _enrol(client)
    url = reverse("ui:totp_recovery_regenerate")
    assert client.post(url, {"proof": "nope"}).status_code == 400
    made = client.post(url, {"proof": code.now()}, follow=True)
    new = made.context["codes"]
    assert set(new).isdisjoint(old)
    device = TOTPDevice.objects.get(user=world.viewer)
    assert not totp.verify(world.viewer, old[1]) and totp.verify(world.viewer, new[1])
    assert device.pk == TOTPDevice.objects.get(user=world.viewer).pk


def test_account_page_shows_the_status_and_disable_needs_password_and_code(
    world: World,
) -> None:
    client = Client()
    client.force_login(world.viewer)
    assert client.get(reverse("ui:account")).context["device"] is None
    code, recovery = _enrol(client)
    page = client.get(reverse("ui:account"))
    assert page.context["device"] is not None and b"since" in page.content
    url = reverse("ui:totp_disable")
    wrong_password = client.post(url, {"password": "nope", "proof": code.now()})
    assert wrong_password.status_code == 400
    assert wrong_password.context["errors"]["disable_password"]
    no_code = client.post(url, {"password": DEFAULT_PASSWORD, "proof": "000000"})
    assert no_code.status_code == 400 and no_code.context["errors"]["disable_proof"]
    assert totp.confirmed_device(world.viewer) is not None
    done = client.post(url, {"password": DEFAULT_PASSWORD, "proof": recovery[0]})
    assert done.status_code == 302 and totp.confirmed_device(world.viewer) is None
    assert AuditEvent.objects.filter(action="totp_disabled", actor=world.viewer).exists()
    assert _password_step(Client(), "a-viewer") == reverse("ui:dashboard")


def test_a_password_only_session_ends_once_the_user_enrols_elsewhere(world: World) -> None:
    old = Client()
    _password_step(old, "a-operator")
    assert _logged_in(old)
    factories.enrol_totp(world.operator)
    response = old.get(reverse("ui:device_list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("ui:login"))
    assert not _logged_in(old)


def test_a_customer_rule_withholds_that_customer_only(world: World) -> None:
    """Attack: B's admin grants A's admin a role in B, then makes B require TOTP — A's admin
    keeps A (session and tokens); only B's data is withheld until they enrol."""
    a_device = factories.DeviceFactory(customer=world.a, hostname="alpha-1")
    b_device = factories.DeviceFactory(customer=world.b, hostname="bravo-1")
    session = Client()
    _password_step(session)
    _, raw = user_services.create_token(None, user=world.admin, name="ci")
    token = APIClient()
    token.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    _two_customer_admin(world)

    listing = session.get(reverse("ui:device_list"))
    assert listing.status_code == 200
    html = listing.content.decode()
    assert "alpha-1" in html and "bravo-1" not in html
    assert "Bravo Telecom" in html and reverse("ui:totp_enrol") in html  # says why, and how
    assert session.get(reverse("ui:device_detail", args=[b_device.pk])).status_code == 404
    assert session.get(reverse("ui:device_detail", args=[a_device.pk])).status_code == 200
    api = token.get("/api/v1/devices/")
    assert api.status_code == 200
    assert [d["hostname"] for d in api.json()["results"]] == ["alpha-1"]
    assert token.get(f"/api/v1/devices/{b_device.pk}/").status_code == 404
    assert session.get(f"/api/v1/devices/{a_device.pk}/").status_code == 200
    # A fresh login is not forced to enrol either: it lands on the account page, A still works.
    fresh = Client()
    assert _password_step(fresh) == reverse("ui:account")
    assert fresh.get(reverse("ui:device_detail", args=[a_device.pk])).status_code == 200

    _enrol(session)
    assert session.post(reverse("ui:switch_customer"), {"customer": world.b.pk}).status_code == 302
    assert "bravo-1" in session.get(reverse("ui:device_list")).content.decode()
    assert token.get(f"/api/v1/devices/{b_device.pk}/").status_code == 200


def test_a_token_for_the_withheld_customer_only_is_refused_with_the_reason(
    world: World,
) -> None:
    _, raw = user_services.create_token(None, user=world.admin, name="b-only", customer=world.b)
    _two_customer_admin(world)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    refused = client.get("/api/v1/devices/")
    assert refused.status_code == 401 and "TOTP" in refused.json()["detail"]
    factories.enrol_totp(world.admin)
    assert client.get("/api/v1/devices/").status_code == 200


def test_the_rule_is_for_admins_only(world: World) -> None:
    world.a.require_admin_totp = True
    world.a.save()
    assert totp.required(world.admin)
    assert not totp.required(world.operator) and not totp.required(world.viewer)
    client = Client()
    _password_step(client, "a-viewer")
    visible = client.get(reverse("ui:dashboard")).context["switchable_customers"]
    assert [c.name for c in visible] == ["Alpha Networks"]


def test_guesses_at_the_device_proof_share_the_login_throttle(
    world: World, settings: object
) -> None:
    """Attack: a borrowed signed-in session trying codes to make new recovery codes."""
    client = Client()
    client.force_login(world.viewer)
    code, _ = _enrol(client)
    settings.LOGIN_RATE = "3/min"  # type: ignore[attr-defined]
    url = reverse("ui:totp_recovery_regenerate")
    for guess in ("111111", "222222", "333333"):
        assert client.post(url, {"proof": guess}).status_code == 400
    blocked = client.post(url, {"proof": code.now()})
    assert blocked.status_code == 400
    assert "Too many" in blocked.context["errors"]["regenerate_proof"]
    assert totp.recovery_codes_left(TOTPDevice.objects.get(user=world.viewer)) == 10
