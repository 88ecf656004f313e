"""Golden config rendering: typed variables, a plain-dict context, a bounded worker.

Why: a template is code written by a tenant user. It runs in the Jinja2 sandbox (sandbox.py: no
escapes, budgets with precise messages) inside a worker process with a wall-clock and a memory
limit (render_pool.py), so no template can stall or exhaust the server. The context is built from
plain dicts (never ORM objects), so nothing reachable from it can touch the database.
"""

import ipaddress
from typing import Any

from webnet.config_mgmt.render_pool import RenderPool
from webnet.config_mgmt.sandbox import TemplateRenderError, check_syntax

__all__ = ["TemplateRenderError", "check_syntax", "render_text", "resolve_variables"]

_POOL = RenderPool()


def render_text(body: str, context: dict[str, Any]) -> str:
    """Render `body` with `context` (plain data only) or raise TemplateRenderError."""
    return _POOL.render(body, context)


def _coerce(kind: str, value: Any) -> Any:
    if kind == "string":
        if isinstance(value, dict | list):
            raise ValueError("expected a string")
        return str(value)
    if kind == "int":
        if isinstance(value, bool):
            raise ValueError("expected an integer")
        return int(str(value).strip())
    if kind == "bool":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("true", "yes", "1", "on"):
            return True
        if text in ("false", "no", "0", "off"):
            return False
        raise ValueError("expected true or false")
    if kind == "ip":
        text = str(value).strip()
        try:
            return str(ipaddress.ip_address(text))
        except ValueError:
            return str(ipaddress.ip_interface(text))
    if kind == "list":
        if isinstance(value, list):
            return [str(item) if not isinstance(item, int | bool) else item for item in value]
        return [item.strip() for item in str(value).split(",") if item.strip()]
    raise ValueError(f"unknown type {kind!r}")


def resolve_variables(schema: list[dict[str, Any]], values: dict[str, Any]) -> dict[str, Any]:
    """Typed variable values: schema defaults, then `values`; every problem reported at once."""
    resolved: dict[str, Any] = {}
    errors: list[str] = []
    for spec in schema:
        name, kind = spec["name"], spec.get("type", "string")
        if name in values and values[name] not in (None, ""):
            raw = values[name]
        elif spec.get("default") not in (None, ""):
            raw = spec["default"]
        elif spec.get("required"):
            errors.append(f"missing variable {name!r}")
            continue
        else:
            resolved[name] = None
            continue
        try:
            resolved[name] = _coerce(kind, raw)
        except ValueError as exc:
            errors.append(f"variable {name!r} ({kind}): bad value {str(raw)[:50]!r}: {exc}")
    extra = {
        k: v
        for k, v in values.items()
        if k not in resolved and k not in {s["name"] for s in schema}
    }
    if errors:
        raise TemplateRenderError("; ".join(errors))
    return {**extra, **resolved}
