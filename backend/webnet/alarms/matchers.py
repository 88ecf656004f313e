"""Label matchers, like Alertmanager's: all must match; regexes are anchored and run by RE2.
Silences and inhibit rules use them (pure: no Django)."""

from typing import Any

from webnet.saferegex import PatternError, compile_pattern

MATCHER_KEYS = {"name", "value", "regex"}


def validate_matchers(matchers: Any) -> list[dict[str, Any]]:
    """The matchers, checked; ValueError says what is wrong with which one."""
    if not isinstance(matchers, list) or not matchers:
        raise ValueError("give at least one matcher {name, value, regex}")
    for position, matcher in enumerate(matchers):
        if not isinstance(matcher, dict) or set(matcher) - MATCHER_KEYS:
            raise ValueError(f"[{position}]: a matcher has only name, value and regex")
        if not isinstance(matcher.get("name"), str) or not matcher["name"]:
            raise ValueError(f"[{position}].name: required")
        if not isinstance(matcher.get("value"), str):
            raise ValueError(f"[{position}].value: must be text")
        if matcher.get("regex"):
            try:
                compile_pattern(f"^(?:{matcher['value']})$")
            except PatternError as exc:
                raise ValueError(f"[{position}].value: {exc}") from exc
    return matchers


def matches(matchers: list[dict[str, Any]], labels: dict[str, str]) -> bool:
    for matcher in matchers:
        value = labels.get(matcher["name"], "")
        if matcher.get("regex"):
            if compile_pattern(f"^(?:{matcher['value']})$").search(value) is None:
                return False
        elif value != matcher["value"]:
            return False
    return True
