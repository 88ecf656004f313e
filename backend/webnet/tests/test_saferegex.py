"""User patterns run in linear time (RE2): no catastrophic backtracking, clear errors."""

import time

import pytest

from webnet.saferegex import MAX_PATTERN, PatternError, compile_pattern, sql_regexp

EVIL = r"^(a+)+$"
VICTIM = "a" * 40 + "!"  # Python's re would take hours on this


def test_a_backtracking_pattern_runs_in_linear_time() -> None:
    started = time.perf_counter()
    assert compile_pattern(EVIL).search(VICTIM) is None
    assert sql_regexp(EVIL, VICTIM) is False
    assert time.perf_counter() - started < 0.1


@pytest.mark.parametrize(
    "pattern", [r"(a)\1", r"foo(?=bar)", r"(?<!x)y", "(", "a" * (MAX_PATTERN + 1), "a\x00"]
)
def test_unsupported_invalid_or_oversized_patterns_are_refused(pattern: str) -> None:
    with pytest.raises(PatternError):
        compile_pattern(pattern)


def test_sql_function_keeps_null_semantics_and_matches_like_search() -> None:
    assert sql_regexp(None, "x") is None and sql_regexp("x", None) is None
    assert sql_regexp("(?i)^core-", "CORE-1") is True
    assert sql_regexp(r"\d+$", 42) is True
    assert sql_regexp(r"(a)\1", "aa") is False  # stored before validation: matches nothing
