"""User-supplied regular expressions, compiled by RE2: matching time linear in the text.

Why: patterns typed by tenant users (device filters, compliance rules) run against every hostname
or configuration line, and Python's `re` backtracks exponentially (`^(a+)+$` against 30 `a`s and
a `b` takes minutes). RE2 never backtracks; what it cannot run in linear time (backreferences,
lookaround) it refuses at compile time, and the user gets a clear message instead. Pure (no
Django), so the compliance evaluator can use it as well as the database's REGEXP function.
"""

import functools
from typing import TypeAlias

import re2

MAX_PATTERN = 1_000  # characters of one pattern
MAX_MEMORY = 8 << 20  # bytes RE2 may use for one compiled pattern

Pattern: TypeAlias = re2._Regexp
Match: TypeAlias = re2._Match


class PatternError(ValueError):
    """A pattern that is invalid, too long or uses what RE2 does not support."""


def _options() -> re2.Options:
    options = re2.Options()
    options.log_errors = False  # the caller reports the error; RE2 would also print it to stderr
    options.max_mem = MAX_MEMORY
    return options


_OPTIONS = _options()


@functools.lru_cache(maxsize=1024)
def compile_pattern(pattern: str) -> Pattern:
    """`pattern` compiled by RE2, or PatternError saying why it cannot be used."""
    if not isinstance(pattern, str):
        raise PatternError("must be text")
    if len(pattern) > MAX_PATTERN:
        raise PatternError(f"too long (at most {MAX_PATTERN} characters)")
    if "\x00" in pattern:
        raise PatternError("contains a NUL character")
    try:
        return re2.compile(pattern, _OPTIONS)
    except re2.error as exc:
        reason = exc.args[0] if exc.args else exc
        if isinstance(reason, bytes):
            reason = reason.decode("utf-8", "replace")
        raise PatternError(f"{reason} (backreferences and lookaround are not supported)") from exc


def sql_regexp(pattern: str | None, value: object) -> bool | None:
    """The database's REGEXP(pattern, value): NULL in, NULL out, like Django's own function.

    Patterns are validated where users type them; one that RE2 refuses anyway (stored before
    validation) matches nothing rather than failing the whole query.
    """
    if pattern is None or value is None:
        return None
    try:
        return compile_pattern(pattern).search(str(value)) is not None
    except PatternError:
        return False
