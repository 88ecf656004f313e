"""CSV cells that a spreadsheet opens as text, never as a formula (OWASP CSV injection).

A cell starting with `= + - @`, tab or carriage return is prefixed with a single quote. The rule is
reversible: a value that already starts with quotes before such a character gets one more, so
`unescape_cell(escape_cell(v)) == v` for every string and our own import reads our export back.
"""

import re

_FORMULA_START = "=+-@\t\r"
_ESCAPED = re.compile(rf"'*[{re.escape(_FORMULA_START)}]")


def escape_cell(value: str) -> str:
    """`value` as a cell a spreadsheet will not evaluate."""
    return f"'{value}" if _ESCAPED.match(value) else value


def unescape_cell(value: str) -> str:
    """The value `escape_cell` was given (a cell it did not escape comes back unchanged)."""
    return value[1:] if value.startswith("'") and _ESCAPED.match(value) else value
