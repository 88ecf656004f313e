"""A policy with its rules and fixtures as YAML, and back (pure: no Django).

Errors name the YAML path of the bad value (`rules[2].kind: …`) so a long policy file can be fixed
without guessing. Tags and groups are referred to by name.
"""

from dataclasses import dataclass, field
from typing import Any

import yaml

from webnet.compliance.evaluator import (
    KINDS,
    SEVERITIES,
    FixtureSpec,
    RuleSpec,
    validate_rule,
)

PLATFORMS = (
    "cisco_ios",
    "cisco_iosxe",
    "cisco_nxos",
    "cisco_iosxr",
    "arista_eos",
    "juniper_junos",
)
EXPECTATIONS = ("pass", "fail", "waived", "error")
POLICY_KEYS = {
    "name",
    "description",
    "enabled",
    "platforms",
    "tags",
    "groups",
    "severity",
    "rules",
    "fixtures",
}
RULE_KEYS = {"name", "kind", "parameters", "severity", "context"}
FIXTURE_KEYS = {"name", "platform", "config", "expected"}


class PolicyYAMLError(ValueError):
    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass
class PolicyData:
    name: str
    description: str = ""
    enabled: bool = True
    platforms: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)
    severity: str = "medium"
    rules: list[RuleSpec] = field(default_factory=list)
    fixtures: list[FixtureSpec] = field(default_factory=list)


class _Reader:
    def __init__(self) -> None:
        self.errors: list[str] = []

    def fail(self, path: str, message: str) -> None:
        self.errors.append(f"{path}: {message}")

    def mapping(self, value: Any, path: str, allowed: set[str]) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.fail(path, "must be a mapping")
            return {}
        for key in sorted(set(map(str, value)) - allowed):
            self.fail(f"{path}.{key}" if path else key, f"unknown key; allowed: {sorted(allowed)}")
        return value

    def text(self, data: dict, key: str, path: str, required: bool = False) -> str:
        value = data.get(key, "")
        if value is None or (required and value == ""):
            self.fail(path, "is required")
            return ""
        if not isinstance(value, str):
            self.fail(path, "must be a string")
            return ""
        return value

    def names(self, data: dict, key: str, path: str, choices: tuple[str, ...] = ()) -> list[str]:
        value = data.get(key) or []
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            self.fail(path, "must be a list of strings")
            return []
        for index, item in enumerate(value):
            if choices and item not in choices:
                self.fail(f"{path}[{index}]", f"{item!r} is not one of {', '.join(choices)}")
        return value

    def choice(
        self, data: dict, key: str, path: str, choices: tuple[str, ...], default: str
    ) -> str:
        value = data.get(key, default)
        if value not in choices:
            self.fail(path, f"{value!r} is not one of {', '.join(choices)}")
            return default
        return str(value)

    def rule(self, value: Any, path: str, default_severity: str) -> RuleSpec | None:
        data = self.mapping(value, path, RULE_KEYS)
        if not data:
            return None
        before = len(self.errors)
        name = self.text(data, "name", f"{path}.name", required=True)
        kind = self.choice(data, "kind", f"{path}.kind", KINDS, "")
        parameters = data.get("parameters") or {}
        if not isinstance(parameters, dict):
            self.fail(f"{path}.parameters", "must be a mapping")
            parameters = {}
        severity = self.choice(data, "severity", f"{path}.severity", SEVERITIES, default_severity)
        context = self.text(data, "context", f"{path}.context")
        if len(self.errors) > before:
            return None
        spec = RuleSpec(name, kind, parameters, severity, context)
        problem = validate_rule(spec)
        if problem:
            self.fail(path, problem)
            return None
        return spec

    def fixture(self, value: Any, path: str) -> FixtureSpec | None:
        data = self.mapping(value, path, FIXTURE_KEYS)
        if not data:
            return None
        name = self.text(data, "name", f"{path}.name", required=True)
        platform = self.choice(data, "platform", f"{path}.platform", PLATFORMS, "cisco_ios")
        config = self.text(data, "config", f"{path}.config", required=True)
        expected = data.get("expected") or {}
        if not isinstance(expected, dict) or not expected:
            self.fail(f"{path}.expected", "must map rule names to pass or fail")
            return None
        for rule_name, status in expected.items():
            if status not in EXPECTATIONS:
                self.fail(f"{path}.expected.{rule_name}", f"{status!r} is not pass or fail")
        return FixtureSpec(name, platform, config, {str(k): str(v) for k, v in expected.items()})


def _unique(reader: _Reader, items: list[Any], what: str) -> None:
    seen: set[str] = set()
    for index, item in enumerate(items):
        if item.name in seen:
            reader.fail(f"{what}[{index}].name", f"duplicate name {item.name!r}")
        seen.add(item.name)


def _items(reader: _Reader, data: dict, key: str) -> list[Any]:
    items = data.get(key) or []
    if not isinstance(items, list):
        reader.fail(key, "must be a list")
        return []
    return items


def from_dict(raw: Any) -> PolicyData:
    """Validate a policy mapping; raise PolicyYAMLError listing every problem with its path."""
    reader = _Reader()
    data = reader.mapping(raw, "", POLICY_KEYS)
    if not data:
        raise PolicyYAMLError(reader.errors or ["(top level): the policy is empty"])
    severity = reader.choice(data, "severity", "severity", SEVERITIES, "medium")
    enabled = data.get("enabled", True)
    if not isinstance(enabled, bool):
        reader.fail("enabled", "must be true or false")
    policy = PolicyData(
        name=reader.text(data, "name", "name", required=True),
        description=reader.text(data, "description", "description"),
        enabled=bool(enabled),
        platforms=reader.names(data, "platforms", "platforms", PLATFORMS),
        tags=reader.names(data, "tags", "tags"),
        groups=reader.names(data, "groups", "groups"),
        severity=severity,
    )
    for index, item in enumerate(_items(reader, data, "rules")):
        rule = reader.rule(item, f"rules[{index}]", severity)
        if rule is not None:
            policy.rules.append(rule)
    for index, item in enumerate(_items(reader, data, "fixtures")):
        fixture = reader.fixture(item, f"fixtures[{index}]")
        if fixture is not None:
            policy.fixtures.append(fixture)
    _unique(reader, policy.rules, "rules")
    _unique(reader, policy.fixtures, "fixtures")
    if reader.errors:
        raise PolicyYAMLError(reader.errors)
    return policy


def load(text: str) -> PolicyData:
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "YAML"
        raise PolicyYAMLError([f"{where}: {getattr(exc, 'problem', None) or exc}"]) from exc
    except RecursionError as exc:  # PyYAML composes nested nodes recursively
        raise PolicyYAMLError(["YAML: nested too deeply"]) from exc
    return from_dict(raw)


def to_dict(policy: PolicyData) -> dict[str, Any]:
    rules = []
    for rule in policy.rules:
        entry: dict[str, Any] = {"name": rule.name, "kind": rule.kind}
        if rule.parameters:
            entry["parameters"] = dict(rule.parameters)
        if rule.severity != policy.severity:
            entry["severity"] = rule.severity
        if rule.context:
            entry["context"] = rule.context
        rules.append(entry)
    fixtures = [
        {"name": f.name, "platform": f.platform, "config": f.config, "expected": dict(f.expected)}
        for f in policy.fixtures
    ]
    data: dict[str, Any] = {
        "name": policy.name,
        "description": policy.description,
        "enabled": policy.enabled,
        "platforms": policy.platforms,
        "tags": policy.tags,
        "groups": policy.groups,
        "severity": policy.severity,
        "rules": rules,
        "fixtures": fixtures,
    }
    return data


class _LiteralDumper(yaml.SafeDumper):
    """Multi-line strings (configs, snippets) as readable `|` blocks."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_LiteralDumper.add_representer(str, _str)


def dump(policy: PolicyData) -> str:
    return yaml.dump(to_dict(policy), Dumper=_LiteralDumper, sort_keys=False, allow_unicode=True)
