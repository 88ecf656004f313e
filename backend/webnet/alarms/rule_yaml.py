"""A customer's alarm rules as YAML, and back (pure: no Django), like compliance policies.

    rules:
      - name: bgp-down
        kind: event            # threshold | state | event
        condition: bgp.down
        severity: critical
        spec: {source: trap, trap_oid: 1.3.6.1.2.1.15.7.2}
        auto_clear_seconds: 3600
        flap_count: 3
        flap_window_seconds: 600

Errors name the YAML path of the bad value (`rules[2].spec.operator: …`).
"""

from typing import Any

import yaml

from webnet.alarms.rules import KINDS, SEVERITIES, RuleError, validate_spec

RULE_KEYS = {
    "name",
    "kind",
    "condition",
    "severity",
    "enabled",
    "spec",
    "auto_clear_seconds",
    "flap_count",
    "flap_window_seconds",
    "description",
}
DEFAULTS: dict[str, Any] = {
    "severity": "major",
    "enabled": True,
    "spec": {},
    "auto_clear_seconds": None,
    "flap_count": 0,
    "flap_window_seconds": 600,
    "description": "",
}


class RuleYAMLError(ValueError):
    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


def check_rule(raw: Any, path: str = "") -> tuple[dict[str, Any], list[str]]:
    """One rule with defaults filled in, and the path-qualified errors found in it."""
    prefix = f"{path}." if path else ""
    if not isinstance(raw, dict):
        return {}, [f"{path or 'rule'}: must be a mapping"]
    errors = [f"{prefix}{key}: unknown key" for key in sorted(set(map(str, raw)) - RULE_KEYS)]
    rule = {**DEFAULTS, **raw}
    for key in ("name", "condition"):
        if not isinstance(rule.get(key), str) or not rule.get(key) or len(rule[key]) > 100:
            errors.append(f"{prefix}{key}: required text (at most 100 characters)")
    if rule.get("kind") not in KINDS:
        errors.append(f"{prefix}kind: choose one of {list(KINDS)}")
    if rule["severity"] not in SEVERITIES:
        errors.append(f"{prefix}severity: choose one of {list(SEVERITIES)}")
    if not isinstance(rule["enabled"], bool):
        errors.append(f"{prefix}enabled: must be true or false")
    for key, least in (("auto_clear_seconds", 1), ("flap_count", 0), ("flap_window_seconds", 1)):
        value = rule[key]
        if key == "auto_clear_seconds" and value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value < least:
            errors.append(f"{prefix}{key}: must be a whole number ≥ {least}")
    if not isinstance(rule["description"], str):
        errors.append(f"{prefix}description: must be text")
    if rule.get("kind") in KINDS:
        try:
            validate_spec(rule["kind"], rule["spec"])
        except RuleError as exc:
            errors += [f"{prefix}{key}: {m}" for key, ms in exc.errors.items() for m in ms]
    return rule, errors


def load(text: str) -> list[dict[str, Any]]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise RuleYAMLError([f"yaml: {exc}"]) from exc
    if not isinstance(data, dict) or set(data) != {"rules"} or not isinstance(data["rules"], list):
        raise RuleYAMLError(["rules: the document is a mapping with one key, rules (a list)"])
    rules, errors, names = [], [], set()
    for position, raw in enumerate(data["rules"]):
        rule, found = check_rule(raw, f"rules[{position}]")
        errors += found
        if rule.get("name") in names:
            errors.append(f"rules[{position}].name: {rule['name']!r} appears twice")
        names.add(rule.get("name"))
        rules.append(rule)
    if errors:
        raise RuleYAMLError(errors)
    return rules


def dump(rules: list[dict[str, Any]]) -> str:
    ordered = [
        {key: rule[key] for key in ["name", "kind", "condition", *DEFAULTS]} for rule in rules
    ]
    return yaml.safe_dump({"rules": ordered}, sort_keys=False, allow_unicode=True)
