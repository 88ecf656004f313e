"""Config management services: templates and their variables (audited), snapshot views and diffs.

Reads for people go through here so that masking is decided in one place: only a role allowed
`configsnapshot.view_secrets` (admin) sees the configuration as the device said it.
"""

from typing import Any

from django.core.exceptions import ValidationError

from webnet.config_mgmt.diff import Hunk, diff_configs
from webnet.config_mgmt.models import ConfigSnapshot, ConfigTemplate, TemplateVariables
from webnet.config_mgmt.sanitize import mask_secrets, sanitize
from webnet.config_mgmt.templates import validate_template
from webnet.core import access, changes


def create_template(actor: Any, data: dict[str, Any]) -> ConfigTemplate:
    return changes.create(actor, ConfigTemplate, validate_template(data))


def update_template(actor: Any, template: ConfigTemplate, data: dict[str, Any]) -> ConfigTemplate:
    return changes.update(actor, template, validate_template(data))


def delete_template(actor: Any, template: ConfigTemplate) -> None:
    changes.delete(actor, template)


def set_variables(actor: Any, data: dict[str, Any]) -> TemplateVariables:
    """Create the variables of one device, one group, or (neither given) the whole customer."""
    _check_target(data)
    return changes.create(actor, TemplateVariables, data)


def update_variables(actor: Any, obj: TemplateVariables, data: dict[str, Any]) -> TemplateVariables:
    return changes.update(actor, obj, {k: v for k, v in data.items() if k == "values"})


def save_variables(
    actor: Any,
    customer: Any,
    values: dict[str, Any],
    device: Any = None,
    group: Any = None,
) -> TemplateVariables:
    """Set the values of one level (device, group, or customer), creating its row if needed."""
    rows = TemplateVariables.objects.for_customer(customer.pk)
    row = rows.filter(device=device, group=group).first()
    if row is None:
        data = {"customer": customer, "device": device, "group": group, "values": values}
        return set_variables(actor, data)
    return update_variables(actor, row, {"values": values})


def _check_target(data: dict[str, Any]) -> None:
    device, group = data.get("device"), data.get("group")
    if device and group:
        raise ValidationError({"device": "Give a device or a group (or neither: the customer)."})
    same = TemplateVariables.objects.for_customer(data["customer"].pk).filter(
        device=device, group=group
    )
    if same.exists():
        level = "device" if device else "group" if group else "customer"
        raise ValidationError({level: "Already has values: update them instead."})
    if not isinstance(data.get("values", {}), dict):
        raise ValidationError({"values": "must be an object of name → value"})


def may_see_secrets(user: Any, customer_id: int) -> bool:
    return access.can(user, "configsnapshot", "view_secrets", customer_id)


def visible_text(user: Any, snapshot: ConfigSnapshot) -> str:
    """The snapshot as this user may see it: raw for admins, secrets masked for everyone else."""
    if may_see_secrets(user, snapshot.customer_id):
        return snapshot.text
    return mask_secrets(snapshot.device.platform, snapshot.text)


def snapshot_diff(user: Any, old: ConfigSnapshot, new: ConfigSnapshot) -> list[Hunk]:
    """Section-aware diff of two snapshots of one device (sanitized, masked for non-admins)."""
    if old.device_id != new.device_id:
        raise ValidationError({"b": "Both snapshots must belong to the same device."})
    platform = new.device.platform
    return diff_configs(
        sanitize(platform, visible_text(user, old)), sanitize(platform, visible_text(user, new))
    )
