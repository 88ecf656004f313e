"""Bootstrap commands: customers, users, roles, tokens, the demo seed — all audited."""

import pytest
from django.core.management import CommandError, call_command

from webnet.core.models import AuditEvent
from webnet.customers.models import Customer, Membership
from webnet.devices import importer
from webnet.devices.models import Credential, Device
from webnet.locations.models import Site
from webnet.users.models import APIToken, User


def _run(*args: str, **kwargs: object) -> str:
    from io import StringIO

    out = StringIO()
    call_command(*args, stdout=out, **kwargs)
    return out.getvalue()


def test_scripted_bootstrap(db) -> None:
    assert "created customer" in _run("create_customer", "Acme Fiber")
    assert "exists" in _run("create_customer", "Acme Fiber")
    output = _run("create_user", "noc1", "--customer", "acme-fiber", "--role", "operator")
    password = output.split("password (shown once): ")[1].strip()
    user = User.objects.get(username="noc1")
    assert user.check_password(password)
    assert Membership.objects.get(user=user).role == "operator"
    assert "admin in Acme Fiber" in _run("grant_role", "noc1", "acme-fiber", "admin")
    raw = _run("create_token", "noc1", "automation", "--read-only", "--days", "30").strip()
    token = APIToken.objects.get()
    assert token.matches(raw) and token.read_only and token.expires_at is not None
    assert password not in str(list(AuditEvent.objects.values_list("changes", flat=True)))
    actions = list(AuditEvent.objects.order_by("id").values_list("action", "object_type"))
    assert actions == [
        ("create", "customers.customer"),
        ("create", "users.user"),
        ("create", "customers.membership"),
        ("update", "customers.membership"),
        ("create", "users.apitoken"),
    ]


def test_bootstrap_errors_are_readable(db) -> None:
    with pytest.raises(CommandError, match="no user"):
        _run("grant_role", "ghost", "x", "viewer")
    with pytest.raises(CommandError, match="no customer"):
        _run("create_user", "u1", "--customer", "nowhere")
    with pytest.raises(CommandError, match="too short"):
        _run("create_user", "u2", "--password", "short")


def test_seed_demo_is_idempotent_and_prints_password_once(db, monkeypatch) -> None:
    monkeypatch.delenv("WEBNET_ADMIN_PASSWORD", raising=False)
    first = _run("seed_demo")
    assert "admin login: admin / " in first
    second = _run("seed_demo")
    assert "admin login" not in second and "exists" in second
    assert Customer.objects.count() == 1 and Credential.objects.get().name == "lab"
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and Membership.objects.get(user=admin).role == "admin"
    ams = Site.objects.get(name="ams1")
    assert ams.region.name == "Europe" and ams.region.parent.name == "World"
    assert ams.time_zone == "Europe/Amsterdam" and Site.objects.count() == 5


def test_the_lab_inventory_lands_in_the_seeded_sites(db, monkeypatch) -> None:
    """The lab command imports as the system (no actor): existing sites by name, new ones made."""
    _run("seed_demo")
    demo = Customer.objects.get()
    inventory = (
        b"hostname,management_host,port,platform,site,credential\n"
        b"lab-1,127.0.0.1,2201,cisco_ios,ams1,lab\n"
        b"lab-2,127.0.0.1,2202,cisco_ios,sin1,lab\n"
    )
    report = importer.commit(None, inventory, demo, on_existing="skip")
    assert report.committed, report.as_dict()
    assert Device.objects.get(hostname="lab-1").site == Site.objects.get(name="ams1")
    assert Device.objects.get(hostname="lab-2").site.region is None
    again = importer.commit(None, inventory, demo, on_existing="skip")
    assert again.committed and Site.objects.count() == 6


def test_seed_demo_takes_password_from_env(db, monkeypatch) -> None:
    monkeypatch.setenv("WEBNET_ADMIN_PASSWORD", "a-long-demo-passphrase")
    output = _run("seed_demo")
    assert "a-long-demo-passphrase" not in output
    assert User.objects.get(username="admin").check_password("a-long-demo-passphrase")
