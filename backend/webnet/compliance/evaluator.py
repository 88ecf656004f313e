"""The compliance evaluator: rules applied to a configuration text (pure: no Django, no I/O).

A rule is a `RuleSpec` (kind, parameters, severity, optional `context` regex). Without a context
a rule looks at the configuration's top-level lines (`anywhere: true` looks at every line); with a
context it is evaluated once per section whose parent line matches it (like Netshot contexts) and
fails when any section fails, naming the sections that did. Junos is flattened to `set` lines, so
a Junos section is the set of lines sharing the matched prefix, with that prefix removed.
"""

import operator
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from webnet.compliance import configtree
from webnet.compliance.configtree import Node, normalise
from webnet.saferegex import Match, Pattern, PatternError, compile_pattern

PASS, FAIL, WAIVED, ERROR = "pass", "fail", "waived", "error"
SEVERITIES = ("info", "low", "medium", "high", "critical")
SEVERITY_WEIGHT = {"info": 0, "low": 1, "medium": 2, "high": 3, "critical": 5}
KINDS = ("must_contain", "must_not_contain", "regex_compare", "hierarchical")
OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "in": lambda left, right: left in right,
    "not_in": lambda left, right: left not in right,
}


class RuleError(ValueError):
    """A rule that cannot be evaluated (bad regex, missing parameter): its result is `error`."""


@dataclass(frozen=True)
class RuleSpec:
    name: str
    kind: str
    parameters: Mapping[str, Any] = field(default_factory=dict)
    severity: str = "medium"
    context: str = ""


@dataclass
class RuleResult:
    rule: str
    status: str
    message: str = ""
    details: dict[str, Any] = field(default_factory=dict)
    severity: str = "medium"


@dataclass(frozen=True)
class Section:
    """Where a rule looks: the parent line (empty for the whole config) and its lines."""

    parent: str
    node: Node


def compile_regex(pattern: str, what: str = "regex") -> Pattern:
    """A rule's pattern, compiled by RE2 (linear time on any configuration)."""
    try:
        return compile_pattern(pattern)
    except PatternError as exc:
        raise RuleError(
            f"{what} {pattern[:100]!r} is not a valid regular expression: {exc}"
        ) from exc


def _lines_param(rule: RuleSpec) -> list[str]:
    lines = rule.parameters.get("lines")
    if isinstance(lines, str):
        lines = [lines]
    if not isinstance(lines, list) or not lines or not all(isinstance(x, str) for x in lines):
        raise RuleError("parameter 'lines' must be a non-empty list of strings")
    return [normalise(line) for line in lines]


def _candidates(section: Section, anywhere: bool) -> list[str]:
    if anywhere:
        return [node.text for _, node in configtree.walk(section.node)]
    return section.node.child_texts()


def _line_matcher(rule: RuleSpec) -> list[tuple[str, Callable[[str], bool]]]:
    """(wanted, predicate) per `lines` entry: exact normalised text, or a regex from line start."""
    matchers: list[tuple[str, Callable[[str], bool]]] = []
    for line in _lines_param(rule):
        if rule.parameters.get("regex"):
            matchers.append((line, _regex_test(compile_regex(line))))
        else:
            matchers.append((line, _exact_test(line)))
    return matchers


def _regex_test(pattern: Pattern) -> Callable[[str], bool]:
    return lambda text: pattern.match(text) is not None


def _exact_test(want: str) -> Callable[[str], bool]:
    return lambda text: text == want


def _must_contain(rule: RuleSpec, section: Section) -> RuleResult:
    lines = _candidates(section, bool(rule.parameters.get("anywhere")))
    missing = [want for want, test in _line_matcher(rule) if not any(test(t) for t in lines)]
    if missing:
        return RuleResult(rule.name, FAIL, f"missing {len(missing)} line(s)", {"missing": missing})
    return RuleResult(rule.name, PASS)


def _must_not_contain(rule: RuleSpec, section: Section) -> RuleResult:
    lines = _candidates(section, bool(rule.parameters.get("anywhere")))
    found = [t for t in lines if any(test(t) for _, test in _line_matcher(rule))]
    if found:
        return RuleResult(rule.name, FAIL, f"{len(found)} forbidden line(s)", {"found": found})
    return RuleResult(rule.name, PASS)


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def compare(left: Any, op: str, right: Any) -> bool:
    """`left op right`, numerically when both sides are numbers, else as text."""
    if op not in OPERATORS:
        raise RuleError(f"unknown operator {op!r}; use one of {', '.join(OPERATORS)}")
    if op in ("in", "not_in"):
        if not isinstance(right, list):
            raise RuleError(f"operator {op!r} needs a list as 'value'")
        numbers = [_number(item) for item in right]
        if _number(left) is not None and all(n is not None for n in numbers):
            return bool(OPERATORS[op](_number(left), numbers))
        return bool(OPERATORS[op](str(left), [str(item) for item in right]))
    a, b = _number(left), _number(right)
    if a is not None and b is not None:
        return bool(OPERATORS[op](a, b))
    return bool(OPERATORS[op](str(left), str(right)))


def _captured(match: Match) -> str:
    if "value" in match.groupdict():
        return match.group("value")
    return match.group(1) if match.re.groups else match.group(0)


def _regex_compare(rule: RuleSpec, section: Section) -> RuleResult:
    params = rule.parameters
    if not isinstance(params.get("regex"), str) or "value" not in params:
        raise RuleError("regex_compare needs 'regex' (with a capture group) and 'value'")
    pattern = compile_regex(params["regex"])
    op = str(params.get("operator", "=="))
    lines = _candidates(section, bool(params.get("anywhere")))
    matches = [(text, m) for text, m in ((text, pattern.match(text)) for text in lines) if m]
    captured = [_captured(m) for _, m in matches]
    if not captured:
        if params.get("absent_ok"):
            return RuleResult(rule.name, PASS, "no line matches (absent_ok)")
        return RuleResult(rule.name, FAIL, "no line matches the regex", {"captured": []})
    bad = [value for value in captured if not compare(value, op, params["value"])]
    details = {
        "captured": captured,
        "matched": [text for text, _ in matches],
        "operator": op,
        "expected": params["value"],
    }
    if bad:
        message = f"captured {', '.join(bad)} is not {op} {params['value']}"
        return RuleResult(rule.name, FAIL, message, {**details, "failing": bad})
    return RuleResult(rule.name, PASS, "", details)


def _children_in_order(wanted: list[str], have: list[str]) -> bool:
    iterator = iter(have)
    return all(any(text == want for text in iterator) for want in wanted)


def _hier_missing(
    want: Node, have: Node, ordered: bool, exact: bool, path: tuple[str, ...], out: list[str]
) -> None:
    for child in want.children:
        found = have.find(child.text)
        if found is None:
            out.append(" > ".join((*path, child.text)))
            continue
        _hier_missing(child, found, ordered, exact, (*path, child.text), out)
    wanted = want.child_texts()
    where = " > ".join(path) or have.text or "(top level)"
    present = [text for text in wanted if have.find(text) is not None]  # missing: reported above
    if ordered and not _children_in_order(present, have.child_texts()):
        out.append(f"{where}: lines out of order")
    if exact and wanted and (path or have.text):
        out.extend(f"{where}: unexpected {t}" for t in have.child_texts() if t not in wanted)


def _hierarchical(rule: RuleSpec, section: Section, platform: str) -> RuleResult:
    snippet = rule.parameters.get("snippet")
    if not isinstance(snippet, str) or not snippet.strip():
        raise RuleError("hierarchical needs a non-empty 'snippet'")
    want = configtree.snippet_tree(snippet, platform)
    out: list[str] = []
    params = rule.parameters
    _hier_missing(
        want, section.node, bool(params.get("ordered")), bool(params.get("exact")), (), out
    )
    if out:
        return RuleResult(rule.name, FAIL, f"{len(out)} difference(s)", {"missing": out})
    return RuleResult(rule.name, PASS)


def sections(tree: Node, context: str, platform: str) -> list[Section]:
    """The sections a rule applies to: the whole config, or each block matching `context`."""
    if not context:
        return [Section("", tree)]
    pattern = compile_regex(context, "context")
    if configtree.is_flat(platform):
        blocks: dict[str, Node] = {}
        for line in tree.child_texts():
            match = pattern.match(line)
            if match:
                block = blocks.setdefault(match.group(0), Node(match.group(0)))
                rest = normalise(line[match.end() :])
                if rest:
                    block.children.append(Node(rest))
        return [Section(key, node) for key, node in blocks.items()]
    return [
        Section(node.text, node) for _, node in configtree.walk(tree) if pattern.match(node.text)
    ]


def _evaluate_section(rule: RuleSpec, section: Section, platform: str) -> RuleResult:
    if rule.kind == "must_contain":
        return _must_contain(rule, section)
    if rule.kind == "must_not_contain":
        return _must_not_contain(rule, section)
    if rule.kind == "regex_compare":
        return _regex_compare(rule, section)
    if rule.kind == "hierarchical":
        return _hierarchical(rule, section, platform)
    raise RuleError(f"unknown rule kind {rule.kind!r}; use one of {', '.join(KINDS)}")


def evaluate_rule(rule: RuleSpec, tree: Node, platform: str) -> RuleResult:
    """One rule against a parsed configuration; bad rules give `error`, never raise."""
    try:
        found = sections(tree, rule.context, platform)
        if rule.context and not found:
            status = FAIL if rule.parameters.get("require_block") else PASS
            result = RuleResult(rule.name, status, f"no section matches {rule.context!r}")
        elif not rule.context:
            result = _evaluate_section(rule, found[0], platform)
        else:
            result = _combine(
                rule, [(s.parent, _evaluate_section(rule, s, platform)) for s in found]
            )
    except RuleError as exc:
        result = RuleResult(rule.name, ERROR, str(exc))
    result.severity = rule.severity
    return result


def _combine(rule: RuleSpec, per_block: list[tuple[str, RuleResult]]) -> RuleResult:
    failed = {
        parent: r.details | {"message": r.message} for parent, r in per_block if r.status != PASS
    }
    details = {"blocks": len(per_block), "failed_blocks": list(failed), "failures": failed}
    if failed:
        return RuleResult(
            rule.name, FAIL, f"{len(failed)} of {len(per_block)} section(s) fail", details
        )
    return RuleResult(rule.name, PASS, f"{len(per_block)} section(s) pass", details)


def evaluate(config: str, platform: str, rules: Iterable[RuleSpec]) -> list[RuleResult]:
    """Every rule against one configuration text."""
    tree = configtree.parse(config, platform)
    return [evaluate_rule(rule, tree, platform) for rule in rules]


def apply_waivers(results: list[RuleResult], waived: Mapping[str, str]) -> list[RuleResult]:
    """A failing rule named in `waived` (rule name → reason) becomes `waived`."""
    for result in results:
        if result.status == FAIL and result.rule in waived:
            result.details = {**result.details, "waiver": waived[result.rule]}
            result.status = WAIVED
    return results


def score(statuses: Iterable[str]) -> float | None:
    """passed / applicable, where waived rules are not applicable; None when nothing applies."""
    counted = [status for status in statuses if status != WAIVED]
    return round(100 * counted.count(PASS) / len(counted), 1) if counted else None


def weighted_score(results: Iterable[tuple[str, str]]) -> float | None:
    """(status, severity) pairs → score with each rule weighted by its severity."""
    total = passed = 0
    for status, severity in results:
        if status == WAIVED:
            continue
        weight = SEVERITY_WEIGHT.get(severity, 1)
        total += weight
        passed += weight if status == PASS else 0
    return round(100 * passed / total, 1) if total else None


def validate_rule(rule: RuleSpec) -> str | None:
    """Why `rule` cannot be evaluated (bad kind, parameter or regex), or None when it can."""
    if rule.severity not in SEVERITIES:
        return f"severity {rule.severity!r} is not one of {', '.join(SEVERITIES)}"
    fix = rule.parameters.get("remediation")
    if fix is not None and (not isinstance(fix, list) or not all(isinstance(x, str) for x in fix)):
        return "parameter 'remediation' must be a list of configuration lines"
    try:
        if rule.context:
            compile_regex(rule.context, "context")
        _evaluate_section(rule, Section("", Node("")), "cisco_ios")
    except RuleError as exc:
        return str(exc)
    return None


@dataclass(frozen=True)
class FixtureSpec:
    """A sample configuration and the status each named rule must give on it."""

    name: str
    platform: str
    config: str
    expected: Mapping[str, str] = field(default_factory=dict)


def fixture_report(rules: list[RuleSpec], fixtures: Iterable[FixtureSpec]) -> list[dict[str, Any]]:
    """Every (fixture, rule) expectation with what the rule gives and whether they agree."""
    by_name = {rule.name: rule for rule in rules}
    rows: list[dict[str, Any]] = []
    for fixture in fixtures:
        tree = configtree.parse(fixture.config, fixture.platform)
        for rule_name, expected in fixture.expected.items():
            rule = by_name.get(rule_name)
            if rule is None:
                got, message = "missing", "the policy has no rule of that name"
            else:
                result = evaluate_rule(rule, tree, fixture.platform)
                got, message = result.status, result.message
            rows.append(
                {
                    "fixture": fixture.name,
                    "rule": rule_name,
                    "expected": expected,
                    "got": got,
                    "message": message,
                    "ok": got == expected,
                }
            )
    return rows


def run_fixtures(rules: list[RuleSpec], fixtures: Iterable[FixtureSpec]) -> list[dict[str, Any]]:
    """Every disagreement between a fixture's expectation and what the rules give."""
    return [
        {key: value for key, value in row.items() if key != "ok"}
        for row in fixture_report(rules, fixtures)
        if not row["ok"]
    ]
