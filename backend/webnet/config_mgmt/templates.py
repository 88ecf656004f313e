"""Golden config templates: the variables schema, a device's context, and `render()`.

The context is plain data: `device` (the inventory fields), `facts` (what jobs learned), `tags`,
`groups`, and the variables — the customer's values, then its groups' (by group name), then the
device's own, then explicit overrides of a preview — typed by the template's schema. Templates
never see ORM objects. `variable_sources` says which level each value a render uses came from.
"""

from typing import Any

from django.core.exceptions import ValidationError

from webnet.config_mgmt.models import ConfigTemplate, TemplateVariables, VariableType
from webnet.config_mgmt.render import (
    TemplateRenderError,
    check_syntax,
    render_text,
    resolve_variables,
)
from webnet.devices.groups import member_ids
from webnet.devices.models import INVENTORY_FIELDS, Device, DeviceGroup
from webnet.devices.platforms import Platform

FACT_FIELDS = ("vendor", "model", "serial_number", "os_version", "status")
NAME_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789_")


def validate_schema(schema: Any) -> list[dict[str, Any]]:
    """The variables schema, normalised; ValidationError({"variables": ...}) when malformed."""
    if not isinstance(schema, list):
        raise ValidationError({"variables": "must be a list of {name, type, required, default}"})
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for index, spec in enumerate(schema):
        if not isinstance(spec, dict) or not isinstance(spec.get("name"), str):
            raise ValidationError({"variables": f"item {index}: needs a name"})
        name = spec["name"]
        if not name or name[0].isdigit() or name.startswith("_") or set(name) - NAME_CHARS:
            raise ValidationError({"variables": f"{name!r}: use lower-case letters, digits, _"})
        if name in seen:
            raise ValidationError({"variables": f"{name!r} is declared twice"})
        seen.add(name)
        kind = spec.get("type", "string")
        if kind not in VariableType.values:
            raise ValidationError({"variables": f"{name!r}: unknown type {kind!r}"})
        item = {
            "name": name,
            "type": kind,
            "required": bool(spec.get("required", False)),
            "default": spec.get("default"),
        }
        if item["default"] not in (None, ""):
            try:
                resolve_variables([item], {})
            except TemplateRenderError as exc:
                raise ValidationError({"variables": exc.message}) from exc
        out.append(item)
    return out


def validate_template(data: dict[str, Any]) -> dict[str, Any]:
    """Check body syntax, schema and platforms before a template is stored."""
    out = dict(data)
    if "body" in out:
        try:
            check_syntax(out["body"])
        except TemplateRenderError as exc:
            raise ValidationError({"body": str(exc)}) from exc
    if "variables" in out:
        out["variables"] = validate_schema(out["variables"] or [])
    if "platforms" in out:
        platforms = out["platforms"] or []
        unknown = [p for p in platforms if p not in Platform.values]
        if not isinstance(platforms, list) or unknown:
            raise ValidationError({"platforms": f"unknown platform(s): {unknown}"})
    return out


def _groups_of(device: Device) -> list[DeviceGroup]:
    return [
        g
        for g in DeviceGroup.objects.for_customer(device.customer_id).order_by("name")
        if device.pk in member_ids(g)
    ]


def variable_layers(device: Device, groups: list[DeviceGroup]) -> list[tuple[str, dict]]:
    """(source, values) from the weakest to the strongest: customer, each group, the device."""
    rows = TemplateVariables.objects.for_customer(device.customer_id).select_related("group")
    customer = rows.filter(device__isnull=True, group__isnull=True).first()
    layers = [("customer", customer.values)] if customer else []
    in_groups = rows.filter(group__in=groups).order_by("group__name")
    layers += [(f"group {row.group.name}", row.values) for row in in_groups]
    own = rows.filter(device_id=device.pk).first()
    return layers + ([("device", own.values)] if own else [])


def device_context(device: Device) -> dict[str, Any]:
    """Plain data about `device` for templates: fields, facts, tags, groups, variables."""
    fields = {name: getattr(device, name) for name in INVENTORY_FIELDS}
    for name in ("latitude", "longitude"):
        fields[name] = None if fields[name] is None else float(fields[name])
    for name in ("site", "location", "rack"):  # places by name, as templates print them
        fields[name] = fields[name].name if fields[name] is not None else ""
    groups = _groups_of(device)
    variables: dict[str, Any] = {}
    for _, values in variable_layers(device, groups):
        variables.update(values)
    return {
        "device": {"id": device.pk, **fields},
        "facts": {name: getattr(device, name) for name in FACT_FIELDS},
        "tags": sorted(device.tags.values_list("name", flat=True)),
        "groups": [g.name for g in groups],
        "variables": variables,
    }


def variable_sources(
    template: ConfigTemplate, device: Device, overrides: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """Each schema variable with the value a render for `device` uses and where it came from
    (customer, group <name>, device, override, default — or missing / unset)."""
    layers = variable_layers(device, _groups_of(device))
    layers.append(("override", overrides or {}))
    rows = []
    for spec in template.variables or []:
        name, value, source = spec["name"], None, ""
        for label, values in layers:
            if values.get(name) not in (None, ""):
                value, source = values[name], label
        if not source and spec.get("default") not in (None, ""):
            value, source = spec["default"], "default"
        if not source:
            source = "missing" if spec.get("required") else "unset"
        rows.append(
            {"name": name, "type": spec.get("type", "string"), "value": value, "source": source}
        )
    return rows


def render(
    template: ConfigTemplate, device: Device, overrides: dict[str, Any] | None = None
) -> str:
    """The template rendered for `device`, or TemplateRenderError with a clear message."""
    if template.platforms and device.platform not in template.platforms:
        raise TemplateRenderError(
            f"template is for {', '.join(template.platforms)}, not {device.platform}"
        )
    context = device_context(device)
    values = {**context.pop("variables"), **(overrides or {})}
    variables = resolve_variables(template.variables or [], values)
    return render_text(template.body, {**context, **variables, "vars": variables})


def declared_variables(templates: Any) -> list[dict[str, Any]]:
    """The variables the given templates declare, by name (first declaration wins), sorted."""
    found: dict[str, dict[str, Any]] = {}
    for template in templates:
        for spec in template.variables or []:
            found.setdefault(spec["name"], {**spec, "templates": []})["templates"].append(
                template.name
            )
    return [found[name] for name in sorted(found)]
