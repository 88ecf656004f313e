"""Fix lines for failing rules, made vendor-correct by hier_config.

The intended configuration is the device's own configuration with each failing rule's intent
applied: `must_contain` and `hierarchical` content added (and, for `exact`, extra children
removed), `must_not_contain` matches removed, and a rule's optional `remediation` lines (the only
way to fix regex-based rules) replacing what its regex matched. hier_config then computes the
commands from the running to the intended configuration (negations, Junos `delete`, ordering).
"""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from hier_config import HConfig, WorkflowRemediation

from webnet.compliance import configtree
from webnet.compliance.configtree import Node, normalise
from webnet.compliance.evaluator import FAIL, RuleSpec, compile_regex
from webnet.compliance.models import ComplianceResult
from webnet.config_mgmt import changeset
from webnet.config_mgmt.models import ConfigSnapshot
from webnet.config_mgmt.sanitize import sanitize
from webnet.devices.models import Device
from webnet.saferegex import Pattern


class _Section:
    """Where a rule's fix goes: a hier_config node, or (Junos) a `set` prefix on the root."""

    def __init__(self, node: object, prefix: str = "") -> None:
        self.node = node
        self.prefix = prefix

    def texts(self) -> list[str]:
        texts = [child.text for child in self.node.children]  # type: ignore[attr-defined]
        if not self.prefix:
            return texts
        start = self.prefix + " "
        return [text[len(start) :] for text in texts if text.startswith(start)]

    def add(self, want: Node) -> None:
        """Add `want`'s children (and their children) where missing."""
        target = self.node
        for child in want.children:
            text = f"{self.prefix} {child.text}" if self.prefix else child.text
            found = target.get_child(equals=text) or target.add_child(text)  # type: ignore[attr-defined]
            _Section(found).add(child)

    def remove(self, test: Pattern | str) -> None:
        for child in list(self.node.children):  # type: ignore[attr-defined]
            text = child.text
            if self.prefix:
                if not text.startswith(self.prefix + " "):
                    continue
                text = text[len(self.prefix) + 1 :]
            matched = text == test if isinstance(test, str) else test.match(text)
            if matched:
                child.delete()


def _sections(root: HConfig, rule: RuleSpec, flat: bool) -> list[_Section]:
    if not rule.context:
        return [_Section(root)]
    pattern = compile_regex(rule.context, "context")
    if flat:
        prefixes = {m.group(0) for c in root.children if (m := pattern.match(c.text))}
        return [_Section(root, prefix.strip()) for prefix in sorted(prefixes)]
    return [_Section(node) for node in root.all_children() if pattern.match(node.text)]


def _as_tree(lines: Iterable[str]) -> Node:
    return Node("", [Node(normalise(line)) for line in lines])


def _apply(root: HConfig, rule: RuleSpec, platform: str) -> None:
    params = rule.parameters
    flat = configtree.is_flat(platform)
    for section in _sections(root, rule, flat):
        if rule.kind == "must_contain" and not params.get("regex"):
            section.add(_as_tree(params.get("lines") or []))
        elif rule.kind == "must_not_contain":
            for line in params.get("lines") or []:
                section.remove(compile_regex(line) if params.get("regex") else normalise(line))
        elif rule.kind == "hierarchical":
            want = configtree.snippet_tree(str(params.get("snippet", "")), platform)
            section.add(want)
            if params.get("exact") and (rule.context or flat is False):
                _drop_extras(section, want)
        if params.get("remediation"):
            if rule.kind == "regex_compare":
                section.remove(compile_regex(str(params["regex"])))
            section.add(_as_tree(params["remediation"]))


def _drop_extras(section: _Section, want: Node) -> None:
    wanted = set(want.child_texts())
    if section.prefix or section.node.text:  # type: ignore[attr-defined]
        for text in section.texts():
            if text not in wanted:
                section.remove(text)
    for child in want.children:
        if child.children and section.node.get_child(equals=child.text):  # type: ignore[attr-defined]
            _drop_extras(_Section(section.node.get_child(equals=child.text)), child)  # type: ignore[attr-defined]


def remediate(config: str, platform: str, rules: Iterable[RuleSpec]) -> list[str]:
    """The commands that make `config` satisfy `rules`, in the platform's own syntax (a
    configuration hier_config cannot read is a field error, not a crash)."""
    text = sanitize(platform, config)
    if configtree.is_flat(platform):
        text = "\n".join(configtree.junos_set_lines(text))
    try:
        running = changeset.hconfig(platform, text)
    except changeset.UnparsableConfig as exc:
        raise ValidationError({"device": [str(exc)]}) from exc
    intended = changeset.hconfig(platform, text)
    for rule in rules:
        _apply(intended, rule, platform)
    if configtree.is_flat(platform):  # whole statements deleted, not their last leaf
        return changeset.remediation(platform, text, "\n".join(intended.dump_simple()))
    return list(WorkflowRemediation(running, intended).remediation_config.dump_simple())


def remediation_lines(device: Device, results: Iterable[ComplianceResult]) -> list[str]:
    """Fix lines for the device's failing results, against its latest configuration snapshot."""
    rules = [
        RuleSpec(r.rule.name, r.rule.kind, r.rule.parameters, r.rule.severity, r.rule.context)
        for r in results
        if r.status == FAIL and r.rule is not None and r.device_id == device.pk
    ]
    if not rules:
        return []
    snapshot = (
        ConfigSnapshot.objects.for_customer(device.customer_id)
        .filter(device=device)
        .order_by("-created_at", "-id")
        .first()
    )
    if snapshot is None:
        raise ValidationError({"device": ["The device has no configuration snapshot yet."]})
    return remediate(snapshot.text, device.platform, rules)
