"""Inventory services: the only place devices, credentials, tags and groups are written.

Edges (API, UI, commands) validate input and call these; each call is audited once.
"""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError

from webnet.core import access, changes, crypto
from webnet.devices.groups import validate_rules, would_cycle
from webnet.devices.models import (
    SECRET_FIELDS,
    Credential,
    Device,
    DeviceGroup,
    GroupKind,
    Tag,
)
from webnet.devices.platforms import Platform
from webnet.drivers import get_platform
from webnet.locations.services import place_device


def _encrypt_secrets(data: dict[str, Any]) -> dict[str, Any]:
    """Turn plaintext secret keys into their ciphertext columns; absent keys stay untouched."""
    out = dict(data)
    for name in SECRET_FIELDS:
        if name in out:
            out[f"{name}_encrypted"] = crypto.encrypt(out.pop(name) or "")
    return out


def create_credential(actor: Any, data: dict[str, Any]) -> Credential:
    return changes.create(actor, Credential, _encrypt_secrets(data))


def update_credential(actor: Any, credential: Credential, data: dict[str, Any]) -> Credential:
    """Update; a secret key absent from `data` keeps its value, an empty string clears it."""
    return changes.update(actor, credential, _encrypt_secrets(data))


def _check_binding(actor: Any, device: Device, data: dict[str, Any]) -> None:
    changed = [
        name
        for name in Device.binding_fields
        if name in data and getattr(device, name) != data[name]
    ]
    if changed and not access.can(actor, "device", "change_binding", device.customer_id):
        raise PermissionDenied(
            "Only an admin may change a device's management host, port or credential."
        )


def _with_vendor(data: dict[str, Any]) -> dict[str, Any]:
    if data.get("platform") and not data.get("vendor"):
        return {**data, "vendor": get_platform(Platform(data["platform"])).vendor}
    return data


def create_device(actor: Any, data: dict[str, Any]) -> Device:
    customer_id = data["customer"].pk if "customer" in data else data["customer_id"]
    data = place_device(Device(), customer_id, data)
    return changes.create(actor, Device, _with_vendor(data))


def update_device(actor: Any, device: Device, data: dict[str, Any]) -> Device:
    _check_binding(actor, device, data)
    return changes.update(actor, device, place_device(device, device.customer_id, data))


def delete_object(actor: Any, obj: Any) -> None:
    changes.delete(actor, obj)


def create_tag(actor: Any, data: dict[str, Any]) -> Tag:
    return changes.create(actor, Tag, data)


def update_tag(actor: Any, tag: Tag, data: dict[str, Any]) -> Tag:
    return changes.update(actor, tag, data)


def _clean_group(group: DeviceGroup | None, data: dict[str, Any]) -> dict[str, Any]:
    kind = data.get("kind", group.kind if group else GroupKind.STATIC)
    if kind == GroupKind.DYNAMIC:
        data["filter_rules"] = validate_rules(
            data.get("filter_rules", group.filter_rules if group else {})
        )
        data["devices"] = []
    else:
        data["filter_rules"] = {}
    if group is not None and would_cycle(group, data.get("parent", group.parent)):
        raise ValidationError({"parent": "A group cannot be nested inside itself."})
    return data


def create_group(actor: Any, data: dict[str, Any]) -> DeviceGroup:
    return changes.create(actor, DeviceGroup, _clean_group(None, dict(data)))


def update_group(actor: Any, group: DeviceGroup, data: dict[str, Any]) -> DeviceGroup:
    return changes.update(actor, group, _clean_group(group, dict(data)))
