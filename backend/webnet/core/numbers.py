"""Whole numbers from untrusted text: ASCII digits only, within what the database stores.

Why: `str.isdigit()` accepts '²' and other Unicode digits that `int()` refuses (a 500), and
`int()` accepts 2**64, which SQLite cannot bind (OverflowError, another 500). Every query
parameter, form value or path piece meant as an id or a count goes through `parse_int`.
"""

from collections.abc import Mapping
from typing import Any, overload

import django_filters
from django import forms
from django.core.exceptions import ValidationError

MAX_INT = 2**63 - 1  # the largest value a 64-bit database integer holds


def parse_int(raw: object, *, minimum: int = 0, maximum: int = MAX_INT) -> int | None:
    """`raw` as an int within [minimum, maximum], or None when it is not one."""
    text = raw.strip() if isinstance(raw, str) else str(raw) if isinstance(raw, int) else ""
    digits = text[1:] if text.startswith("-") else text
    if not digits.isascii() or not digits.isdigit() or len(digits) > len(str(MAX_INT)):
        return None
    value = int(text)
    return value if minimum <= value <= maximum else None


@overload
def int_param(
    params: Mapping[str, Any], name: str, *, default: int, minimum: int = ..., maximum: int = ...
) -> int: ...


@overload
def int_param(
    params: Mapping[str, Any],
    name: str,
    *,
    default: None = None,
    minimum: int = ...,
    maximum: int = ...,
) -> int | None: ...


def int_param(
    params: Mapping[str, Any],
    name: str,
    *,
    default: int | None = None,
    minimum: int = 0,
    maximum: int = MAX_INT,
) -> int | None:
    """`params[name]` as an int (`default` when absent), or ValidationError naming the field."""
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    value = parse_int(raw, minimum=minimum, maximum=maximum)
    if value is None:
        raise ValidationError({name: f"Enter a whole number from {minimum} to {maximum}."})
    return value


class _IdField(forms.IntegerField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(min_value=0, max_value=MAX_INT, **kwargs)


class IdFilter(django_filters.NumberFilter):
    """An id filter: a whole number the database can hold (NumberFilter takes 2**64 and 1.5)."""

    field_class = _IdField
