"""Writing audit events, and snapshots of objects with secrets masked.

Services call `record()` once per write. Field changes are computed by `diff()` from `snapshot()`
before and after; fields a model lists in `audit_masked_fields` come out as MASK, so ciphertexts
and secrets never reach the audit trail (a changed secret is still visible as changed).
"""

from typing import Any

from django.db import models

from webnet.core.context import current
from webnet.core.models import AuditEvent

MASK = "***"


def masked_fields(model: type[models.Model]) -> frozenset[str]:
    return frozenset(getattr(model, "audit_masked_fields", ()))


def _value(obj: models.Model, field: models.Field) -> Any:
    value = field.value_from_object(obj)
    if field.many_to_many:
        return sorted(item.pk for item in value) if obj.pk else []
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def snapshot(obj: models.Model) -> dict[str, Any]:
    """Field name → JSON-safe value. Holds ciphertexts: pass it only to `diff`, never store it."""
    data: dict[str, Any] = {}
    for field in obj._meta.concrete_fields + obj._meta.many_to_many:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            continue
        key = field.attname if field.is_relation and not field.many_to_many else field.name
        data[key] = _value(obj, field)
    return data


def diff(
    before: dict[str, Any], after: dict[str, Any], masked: frozenset[str] = frozenset()
) -> dict[str, list[Any]]:
    """field → [old, new] for fields that changed; a masked field shows MASK ("" when unset)."""
    changes: dict[str, list[Any]] = {}
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        if key in masked:
            old, new = (MASK if old else ""), (MASK if new else "")
        changes[key] = [old, new]
    return changes


def record(
    action: str,
    *,
    actor: Any = None,
    customer_id: int | None = None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_repr: str = "",
    changes: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit event, stamped with the request id and client IP of the current request."""
    ctx = current.get()
    user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        actor=user,
        actor_repr=(user.get_username() if user else ("system" if actor is None else "anonymous"))[
            :150
        ],
        customer_id=customer_id,
        action=action,
        object_type=object_type or (obj._meta.label_lower if obj is not None else ""),
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=(object_repr or (str(obj) if obj is not None else ""))[:200],
        changes=changes or {},
        request_id=ctx.request_id,
        ip=ctx.ip,
    )
