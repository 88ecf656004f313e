"""Many-row INSERT and UPDATE by id with one executemany each: the receivers' hot path.

Why not bulk_create / bulk_update: in a trap storm the ORM's SQL compiler spends most of the batch
time preparing each value of each row (bulk_update even builds a CASE per field per row). Values
still go through each field's own database preparation (get_db_prep_save), so JSON and aware
datetimes are stored exactly as the ORM stores them, on SQLite and PostgreSQL alike. Inserted rows
get no primary key back (events are not read again in the same batch).
"""

from collections.abc import Callable, Sequence
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models


def _columns(model: type[models.Model], names: Sequence[str] | None) -> list[models.Field]:
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    return fields if names is None else [f for f in fields if f.name in names]


# Fields whose Python value is not already what the database driver takes.
CONVERTED = (models.JSONField, models.DateTimeField, models.GenericIPAddressField)


def _values(fields: list[models.Field], connection: Any) -> Callable[[models.Model], list[Any]]:
    """A row builder: converted fields through get_db_prep_save (and pre_save for auto times),
    plain ones as they are (text, numbers, foreign-key ids)."""
    steps = []
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            steps.append(lambda obj, f=field: f.get_db_prep_save(f.pre_save(obj, True), connection))
        elif isinstance(field, CONVERTED):
            steps.append(
                lambda obj, f=field: f.get_db_prep_save(getattr(obj, f.attname), connection)
            )
        else:
            steps.append(lambda obj, name=field.attname: getattr(obj, name))
    return lambda obj: [step(obj) for step in steps]


def insert(objs: Sequence[models.Model]) -> None:
    if not objs:
        return
    connection = connections[DEFAULT_DB_ALIAS]
    model = type(objs[0])
    fields = _columns(model, None)
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608  (model identifiers, quoted)
        quote(model._meta.db_table),
        ", ".join(quote(str(f.column)) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    row = _values(fields, connection)
    rows = []
    for obj in objs:
        obj._prepare_related_fields_for_save("bulk insert")  # type: ignore[attr-defined]
        rows.append(row(obj))
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def update(objs: Sequence[models.Model], names: Sequence[str]) -> None:
    if not objs:
        return
    connection = connections[DEFAULT_DB_ALIAS]
    model = type(objs[0])
    fields = _columns(model, names)
    quote = connection.ops.quote_name
    sql = "UPDATE {} SET {} WHERE {} = %s".format(  # noqa: S608  (model identifiers, quoted)
        quote(model._meta.db_table),
        ", ".join(f"{quote(str(f.column))} = %s" for f in fields),
        quote(str(model._meta.pk.column)),
    )
    row = _values(fields, connection)
    rows = [[*row(obj), obj.pk] for obj in objs]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
