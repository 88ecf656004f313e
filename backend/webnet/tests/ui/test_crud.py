"""Generated CRUD tests for every scoped UI resource (devices, credentials, tags, groups).

One spec per resource; each test runs for all of them: create/edit/delete through POST write one
audit event, bad input shows inline errors, roles below the writer get 403, and another customer's
admin gets 404 on every object page.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import models
from django.test import Client
from django.urls import reverse

from webnet.core.models import AuditEvent
from webnet.devices.models import Credential, Device, DeviceGroup, Tag
from webnet.tests import factories
from webnet.tests.conftest import World

ROLES = ["viewer", "operator", "admin"]


@dataclass(frozen=True)
class Spec:
    prefix: str
    model: type[models.Model]
    writer: str  # least role that may add
    changer: str  # least role that may change and delete
    make: Callable[[World], models.Model]
    create: dict[str, Any]
    invalid: dict[str, Any]
    invalid_field: str
    edit: Callable[[Any], dict[str, Any]]
    key: str = "name"

    def __str__(self) -> str:
        return self.prefix


def _device_edit(device: Device) -> dict[str, Any]:
    return {
        "hostname": device.hostname,
        "management_host": device.management_host,
        "port": device.port,
        "platform": device.platform,
        "site": factories.SiteFactory(customer=device.customer, name="fra2").pk,
        "enabled": "on",
    }


SPECS = [
    Spec(
        "device",
        Device,
        "admin",
        "operator",
        lambda w: factories.DeviceFactory(customer=w.a, hostname="alpha-edge-1"),
        {
            "hostname": "alpha-new-1",
            "management_host": "198.51.100.7",
            "port": "22",
            "platform": "cisco_ios",
            "enabled": "on",
        },
        {
            "hostname": "x",
            "management_host": "198.51.100.8",
            "port": "70000",
            "platform": "cisco_ios",
        },
        "port",
        _device_edit,
        key="hostname",
    ),
    Spec(
        "credential",
        Credential,
        "admin",
        "admin",
        lambda w: factories.CredentialFactory(customer=w.a, name="edge-cred"),
        {"name": "new-cred", "username": "ops", "password": "n3w-pass-word"},
        {"name": "", "username": "ops"},
        "name",
        lambda c: {"name": c.name, "username": "ops2"},
    ),
    Spec(
        "tag",
        Tag,
        "operator",
        "operator",
        lambda w: factories.TagFactory(customer=w.a, name="edge"),
        {"name": "new-tag", "color": "#ff0000"},
        {"name": "bad", "color": "red"},
        "color",
        lambda t: {"name": "renamed", "color": "#00ff00"},
    ),
    Spec(
        "group",
        DeviceGroup,
        "operator",
        "operator",
        lambda w: factories.DeviceGroupFactory(customer=w.a, name="edge-group"),
        {"name": "new-group", "kind": "static"},
        {"name": "dyn", "kind": "dynamic", "filter_rules": '{"nope": 1}'},
        "filter_rules",
        lambda g: {
            "name": "renamed",
            "kind": "dynamic",
            "filter_rules": '{"platform": ["cisco_ios"]}',
        },
    ),
]
specs = pytest.mark.parametrize("spec", SPECS, ids=str)


def _events(action: str, spec: Spec) -> int:
    label = spec.model._meta.label_lower
    return AuditEvent.objects.filter(action=action, object_type=label).count()


def _below(role: str) -> list[str]:
    return ROLES[: ROLES.index(role)]


@specs
def test_create_through_post_writes_object_and_one_audit_event(
    spec: Spec, ui: Callable[[str], Client], world: World
) -> None:
    response = ui(spec.writer).post(reverse(f"ui:{spec.prefix}_create"), spec.create)
    assert response.status_code == 302, response.content.decode()[:2000]
    obj = spec.model.objects.get(**{spec.key: spec.create[spec.key]})
    assert obj.customer_id == world.a.pk
    assert _events("create", spec) == 1


@specs
def test_invalid_input_shows_inline_errors_and_writes_nothing(
    spec: Spec, ui: Callable[[str], Client], world: World
) -> None:
    before = spec.model.objects.count()
    response = ui("admin").post(reverse(f"ui:{spec.prefix}_create"), spec.invalid)
    assert response.status_code == 400
    assert response.context["form"].errors[spec.invalid_field]
    assert b'class="field-error' in response.content
    assert spec.model.objects.count() == before
    assert _events("create", spec) == 0


@specs
def test_duplicate_name_in_the_customer_is_an_inline_error(
    spec: Spec, ui: Callable[[str], Client], world: World
) -> None:
    existing = spec.make(world)
    data = {**spec.create, spec.key: getattr(existing, spec.key)}
    response = ui("admin").post(reverse(f"ui:{spec.prefix}_create"), data)
    assert response.status_code == 400
    assert "already exists" in " ".join(response.context["form"].errors[spec.key])


@specs
def test_same_name_in_another_customer_is_fine(
    spec: Spec, ui: Callable[[str], Client], world: World
) -> None:
    response = ui("outsider").post(reverse(f"ui:{spec.prefix}_create"), spec.create)
    assert response.status_code == 302
    response = ui("admin").post(reverse(f"ui:{spec.prefix}_create"), spec.create)
    assert response.status_code == 302


@specs
def test_edit_through_post_writes_one_update_event(
    spec: Spec, ui: Callable[[str], Client], world: World
) -> None:
    obj = spec.make(world)
    response = ui(spec.changer).post(
        reverse(f"ui:{spec.prefix}_edit", args=[obj.pk]), spec.edit(obj)
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert (
        AuditEvent.objects.filter(
            action="update", object_id=str(obj.pk), object_type=spec.model._meta.label_lower
        ).count()
        == 1
    )


@specs
def test_delete_asks_for_confirmation_then_deletes_on_post(
    spec: Spec, ui: Callable[[str], Client], world: World
) -> None:
    obj = spec.make(world)
    client = ui(spec.changer if spec.prefix != "device" else "admin")
    url = reverse(f"ui:{spec.prefix}_delete", args=[obj.pk])
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert b'method="post"' in confirm.content
    assert spec.model.objects.filter(pk=obj.pk).exists()
    assert client.post(url).status_code == 302
    assert not spec.model.objects.filter(pk=obj.pk).exists()
    assert _events("delete", spec) == 1


@specs
def test_roles_below_the_writer_get_403_and_write_nothing(
    spec: Spec, ui: Callable[[str], Client], world: World
) -> None:
    obj = spec.make(world)
    for role in _below(spec.writer):
        client = ui(role)
        assert client.get(reverse(f"ui:{spec.prefix}_create")).status_code == 403
        assert client.post(reverse(f"ui:{spec.prefix}_create"), spec.create).status_code == 403
    delete_role = "admin" if spec.prefix == "device" else spec.changer
    for role in _below(delete_role):
        url = reverse(f"ui:{spec.prefix}_delete", args=[obj.pk])
        assert ui(role).get(url).status_code == 403
        assert ui(role).post(url).status_code == 403
    for role in _below(spec.changer):
        url = reverse(f"ui:{spec.prefix}_edit", args=[obj.pk])
        assert ui(role).post(url, spec.edit(obj)).status_code == 403
    assert spec.model.objects.filter(pk=obj.pk).exists()
    assert AuditEvent.objects.count() == 0


@specs
def test_viewer_sees_no_write_buttons(
    spec: Spec, ui: Callable[[str], Client], world: World
) -> None:
    obj = spec.make(world)
    html = ui("viewer").get(reverse(f"ui:{spec.prefix}_list")).content.decode()
    assert reverse(f"ui:{spec.prefix}_create") not in html
    assert reverse(f"ui:{spec.prefix}_delete", args=[obj.pk]) not in html


@specs
def test_another_customers_admin_gets_404_on_every_object_page(
    spec: Spec, ui: Callable[[str], Client], world: World
) -> None:
    obj = spec.make(world)
    client = ui("outsider")
    for page in ("edit", "delete"):
        url = reverse(f"ui:{spec.prefix}_{page}", args=[obj.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, spec.edit(obj)).status_code == 404
    listing = client.get(reverse(f"ui:{spec.prefix}_list")).content.decode()
    assert str(obj) not in listing
    assert spec.model.objects.filter(pk=obj.pk).exists()
    assert AuditEvent.objects.count() == 0
