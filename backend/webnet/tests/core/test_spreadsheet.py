"""CSV cell escaping is safe for spreadsheets and exactly reversible."""

from hypothesis import given
from hypothesis import strategies as st

from webnet.core.spreadsheet import escape_cell, unescape_cell


@given(st.text())
def test_escape_round_trips_and_never_starts_a_formula(value: str) -> None:
    escaped = escape_cell(value)
    assert unescape_cell(escaped) == value
    assert not escaped.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_formula_gets_a_quote_and_plain_text_does_not() -> None:
    assert escape_cell("=1+1") == "'=1+1"
    assert escape_cell("'=1") == "''=1"
    assert escape_cell("plain 'text'") == "plain 'text'"
