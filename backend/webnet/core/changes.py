"""Audited create / update / delete: each call writes the row(s) and exactly one audit event.

Domain services build on these so that every write path is audited the same way, whatever edge
(API, UI, command, job) it comes from.
"""

from typing import Any, TypeVar

from django.db import models, transaction

from webnet.core import audit

M = TypeVar("M", bound=models.Model)


def _customer_id(obj: models.Model) -> int | None:
    if obj._meta.label_lower == "customers.customer":
        return obj.pk
    return getattr(obj, "customer_id", None)


def _split_m2m(model: type[models.Model], data: dict[str, Any]) -> dict[str, Any]:
    names = {field.name for field in model._meta.many_to_many}
    return {name: data.pop(name) for name in list(data) if name in names}


def _apply(obj: models.Model, data: dict[str, Any]) -> None:
    m2m = _split_m2m(type(obj), data)
    for name, value in data.items():
        setattr(obj, name, value)
    obj.save()
    for name, value in m2m.items():
        getattr(obj, name).set(value)


@transaction.atomic
def create(actor: Any, model: type[M], data: dict[str, Any]) -> M:
    obj = model()
    _apply(obj, dict(data))
    audit.record(
        "create",
        actor=actor,
        customer_id=_customer_id(obj),
        obj=obj,
        changes=audit.diff({}, audit.snapshot(obj), audit.masked_fields(model)),
    )
    return obj


@transaction.atomic
def update(actor: Any, obj: M, data: dict[str, Any]) -> M:
    before = audit.snapshot(obj)
    _apply(obj, dict(data))
    audit.record(
        "update",
        actor=actor,
        customer_id=_customer_id(obj),
        obj=obj,
        changes=audit.diff(before, audit.snapshot(obj), audit.masked_fields(type(obj))),
    )
    return obj


@transaction.atomic
def delete(actor: Any, obj: models.Model) -> None:
    audit.record(
        "delete",
        actor=actor,
        customer_id=_customer_id(obj),
        obj=obj,
        changes=audit.diff(audit.snapshot(obj), {}, audit.masked_fields(type(obj))),
    )
    obj.delete()
