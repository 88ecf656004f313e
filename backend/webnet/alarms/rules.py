"""Alarm rules as data: validation, event matching and the threshold evaluator (pure: no Django).

Rules are typed by tenant users, so regexes go through RE2 (webnet.saferegex): matching time is
linear in the text, which is the timeout a backtracking engine would need. A threshold rule is a
pure function over readings, so the poller's persisting side and the rule tester call the same
code.
"""

import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from webnet.saferegex import PatternError, compile_pattern

KINDS = ("threshold", "state", "event")
SEVERITIES = ("info", "warning", "minor", "major", "critical")
SOURCES = ("any", "poll", "trap", "syslog", "job", "webhook")
ACTIONS = ("raise", "clear")
OPERATORS: dict[str, Callable[[float, float], bool]] = {
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
    "==": operator.eq,
    "!=": operator.ne,
}
SPEC_KEYS = {
    "threshold": {"metric", "operator", "value", "for_seconds", "consecutive"},
    "state": {"state", "clear_state"},
    "event": {"source", "trap_oid", "varbinds", "message_regex", "action"},
}


class RuleError(ValueError):
    """A rule that cannot be used; `errors` maps a field (e.g. `spec.operator`) to messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("; ".join(f"{k}: {', '.join(v)}" for k, v in errors.items()))
        self.errors = errors


@dataclass
class _Errors:
    found: dict[str, list[str]] = field(default_factory=dict)

    def add(self, key: str, message: str) -> None:
        self.found.setdefault(key, []).append(message)


def _regex(errors: _Errors, key: str, value: Any) -> None:
    try:
        compile_pattern(value)
    except PatternError as exc:
        errors.add(key, f"invalid regular expression: {exc}")


def validate_spec(kind: str, spec: Any) -> dict[str, Any]:
    """The spec of a rule of `kind`, checked; RuleError names every bad field."""
    errors = _Errors()
    if kind not in KINDS:
        raise RuleError({"kind": [f"choose one of {list(KINDS)}"]})
    if not isinstance(spec, dict):
        raise RuleError({"spec": ["must be a mapping"]})
    for key in sorted(set(spec) - SPEC_KEYS[kind]):
        errors.add(f"spec.{key}", f"unknown key; allowed: {sorted(SPEC_KEYS[kind])}")
    {"threshold": _threshold, "state": _state, "event": _event}[kind](errors, spec)
    if errors.found:
        raise RuleError(errors.found)
    return spec


def _threshold(errors: _Errors, spec: dict[str, Any]) -> None:
    if not isinstance(spec.get("metric"), str) or not spec.get("metric"):
        errors.add("spec.metric", "required: the metric name, e.g. cpu.util")
    if spec.get("operator") not in OPERATORS:
        errors.add("spec.operator", f"choose one of {list(OPERATORS)}")
    value = spec.get("value")
    if isinstance(value, bool) or not isinstance(value, int | float):
        errors.add("spec.value", "must be a number")
    for key in ("for_seconds", "consecutive"):
        if key in spec and (not isinstance(spec[key], int) or spec[key] < 1):
            errors.add(f"spec.{key}", "must be a positive whole number")
    if "for_seconds" in spec and "consecutive" in spec:
        errors.add("spec.for_seconds", "give for_seconds or consecutive, not both")


def _state(errors: _Errors, spec: dict[str, Any]) -> None:
    for key in ("state", "clear_state"):
        if key in spec and not isinstance(spec[key], str):
            errors.add(f"spec.{key}", "must be text")
    if not spec.get("state"):
        errors.add("spec.state", "required: the state that raises, e.g. down")


def _event(errors: _Errors, spec: dict[str, Any]) -> None:
    if spec.get("source", "any") not in SOURCES:
        errors.add("spec.source", f"choose one of {list(SOURCES)}")
    if spec.get("action", "raise") not in ACTIONS:
        errors.add("spec.action", f"choose one of {list(ACTIONS)}")
    if "trap_oid" in spec and not _is_oid(spec["trap_oid"]):
        errors.add("spec.trap_oid", "must be a numeric OID such as 1.3.6.1.6.3.1.1.5.3")
    if "message_regex" in spec:
        _regex(errors, "spec.message_regex", spec["message_regex"])
    matchers = spec.get("varbinds", [])
    if not isinstance(matchers, list):
        errors.add("spec.varbinds", "must be a list of {oid, equals | regex}")
        return
    for position, matcher in enumerate(matchers):
        key = f"spec.varbinds[{position}]"
        if not isinstance(matcher, dict) or not _is_oid(matcher.get("oid")):
            errors.add(key, "needs a numeric oid")
            continue
        if ("equals" in matcher) == ("regex" in matcher):
            errors.add(key, "give exactly one of equals or regex")
        elif "regex" in matcher:
            _regex(errors, key, matcher["regex"])
    if not any(k in spec for k in ("trap_oid", "message_regex", "varbinds")):
        errors.add("spec", "match on trap_oid, varbinds or message_regex")


def _is_oid(value: Any) -> bool:
    return isinstance(value, str) and all(part.isdigit() for part in value.strip(".").split("."))


@dataclass(frozen=True, slots=True)
class Observed:
    """What a rule sees of an event: its source, text and (for traps) OID and varbinds."""

    source: str
    message: str
    trap_oid: str = ""
    varbinds: dict[str, str] = field(default_factory=dict)


def matches_event(spec: dict[str, Any], event: Observed) -> bool:
    if spec.get("source", "any") not in ("any", event.source):
        return False
    if "trap_oid" in spec and spec["trap_oid"].strip(".") != event.trap_oid:
        return False
    for matcher in spec.get("varbinds", []):
        oid = matcher["oid"].strip(".")
        values = [v for k, v in event.varbinds.items() if k == oid or k.startswith(oid + ".")]
        if not any(_value_matches(matcher, value) for value in values):
            return False
    pattern = spec.get("message_regex")
    return pattern is None or compile_pattern(pattern).search(event.message) is not None


def _value_matches(matcher: dict[str, Any], value: str) -> bool:
    if "equals" in matcher:
        return str(matcher["equals"]) == value
    return compile_pattern(matcher["regex"]).search(value) is not None


Reading = tuple[datetime, float]


def threshold_breached(spec: dict[str, Any], readings: Sequence[Reading]) -> bool:
    """Is the threshold breached now, given readings oldest first?

    `consecutive`: the last N readings all cross it. `for_seconds`: every reading of the last
    run crosses it and that run started at least for_seconds before the newest reading. Neither:
    the newest reading crosses it.
    """
    if not readings:
        return False
    crosses = OPERATORS[spec["operator"]]
    limit = float(spec["value"])
    if "consecutive" in spec:
        tail = readings[-spec["consecutive"] :]
        return len(tail) == spec["consecutive"] and all(crosses(v, limit) for _, v in tail)
    if not crosses(readings[-1][1], limit):
        return False
    if "for_seconds" not in spec:
        return True
    start = readings[-1][0]
    for when, value in reversed(readings):
        if not crosses(value, limit):
            break
        start = when
    return (readings[-1][0] - start).total_seconds() >= spec["for_seconds"]
