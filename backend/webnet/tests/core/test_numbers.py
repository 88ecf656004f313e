"""Whole numbers from untrusted text: ASCII digits only, within a 64-bit database column."""

import pytest
from django.core.exceptions import ValidationError

from webnet.core.numbers import MAX_INT, int_param, parse_int


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("42", 42),
        (" 7 ", 7),
        (5, 5),
        ("0", 0),
        (str(MAX_INT), MAX_INT),
        ("²", None),  # str.isdigit() says yes, int() says no
        ("١٢", None),  # Arabic-Indic digits: int() takes them, the database column never sees them
        (str(MAX_INT + 1), None),
        (str(2**64), None),
        ("-1", None),
        ("1.5", None),
        ("", None),
        (None, None),
        ("1e3", None),
    ],
)
def test_parse_int(raw: object, expected: int | None) -> None:
    assert parse_int(raw) == expected


def test_bounds_and_negative_numbers_when_allowed() -> None:
    assert parse_int("-1", minimum=-5) == -1
    assert parse_int("400", maximum=366) is None


def test_int_param_names_the_field_and_defaults_when_absent() -> None:
    assert int_param({}, "after_seq", default=0) == 0
    assert int_param({"after_seq": ""}, "after_seq", default=3) == 3
    with pytest.raises(ValidationError) as info:
        int_param({"after_seq": "²"}, "after_seq")
    assert "after_seq" in info.value.message_dict
