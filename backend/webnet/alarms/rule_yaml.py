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
    inhibit_rules:           # optional, Alertmanager's inhibit_rules
      - name: node-down-mutes-links
        source_matchers: [{name: condition, value: device.down}]
        target_matchers: [{name: condition, value: interface.down}]
        equal: [device]

Errors name the YAML path of the bad value (`rules[2].spec.operator: …`).
"""

from typing import Any

import yaml

from webnet.alarms.matchers import validate_matchers
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


INHIBIT_KEYS = {"name", "enabled", "source_matchers", "target_matchers", "equal", "description"}
INHIBIT_DEFAULTS: dict[str, Any] = {"enabled": True, "equal": [], "description": ""}


def check_inhibit_rule(raw: Any, path: str) -> tuple[dict[str, Any], list[str]]:
    """One inhibit rule with defaults filled in, and the path-qualified errors found in it."""
    if not isinstance(raw, dict):
        return {}, [f"{path}: must be a mapping"]
    errors = [f"{path}.{key}: unknown key" for key in sorted(set(map(str, raw)) - INHIBIT_KEYS)]
    rule = {**INHIBIT_DEFAULTS, **raw}
    if not isinstance(rule.get("name"), str) or not rule.get("name") or len(rule["name"]) > 100:
        errors.append(f"{path}.name: required text (at most 100 characters)")
    for key in ("source_matchers", "target_matchers"):
        try:
            validate_matchers(rule.get(key))
        except ValueError as exc:
            errors.append(f"{path}.{key}{'' if str(exc).startswith('[') else ': '}{exc}")
    equal = rule["equal"]
    if not isinstance(equal, list) or not all(isinstance(n, str) and n for n in equal):
        errors.append(f"{path}.equal: a list of label names")
    if not isinstance(rule["enabled"], bool):
        errors.append(f"{path}.enabled: must be true or false")
    if not isinstance(rule["description"], str):
        errors.append(f"{path}.description: must be text")
    return rule, errors


def _checked(items: Any, key: str, check: Any) -> tuple[list[dict[str, Any]], list[str]]:
    rules, errors, names = [], [], set()
    for position, raw in enumerate(items):
        rule, found = check(raw, f"{key}[{position}]")
        errors += found
        if rule.get("name") in names:
            errors.append(f"{key}[{position}].name: {rule['name']!r} appears twice")
        names.add(rule.get("name"))
        rules.append(rule)
    return rules, errors


def load(text: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(alarm rules, inhibit rules) of a document; RuleYAMLError lists every problem."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise RuleYAMLError([f"yaml: {exc}"]) from exc
    if (
        not isinstance(data, dict)
        or "rules" not in data
        or set(data) - {"rules", "inhibit_rules"}
        or not isinstance(data["rules"], list)
        or not isinstance(data.get("inhibit_rules", []), list)
    ):
        raise RuleYAMLError(
            ["rules: the document is a mapping of rules (a list) and optionally inhibit_rules"]
        )
    rules, errors = _checked(data["rules"], "rules", check_rule)
    inhibits, more = _checked(data.get("inhibit_rules", []), "inhibit_rules", check_inhibit_rule)
    if errors or more:
        raise RuleYAMLError(errors + more)
    return rules, inhibits


def dump(rules: list[dict[str, Any]], inhibits: list[dict[str, Any]]) -> str:
    ordered = [
        {key: rule[key] for key in ["name", "kind", "condition", *DEFAULTS]} for rule in rules
    ]
    document: dict[str, Any] = {"rules": ordered}
    if inhibits:
        keys = ["name", "enabled", "source_matchers", "target_matchers", "equal", "description"]
        document["inhibit_rules"] = [{key: rule[key] for key in keys} for rule in inhibits]
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True)
