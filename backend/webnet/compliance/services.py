"""Compliance writes: policies (checked against their fixtures before saving) and waivers.

Every write is one audit event. A policy is saved whole — fields, rules and fixtures — from a
`PolicyData` (the same shape the YAML form and the API produce), so the fixtures always run
against exactly what is about to be stored.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from webnet.compliance import policy_yaml
from webnet.compliance.evaluator import FixtureSpec, RuleSpec, run_fixtures
from webnet.compliance.models import (
    CompliancePolicy,
    ComplianceRule,
    ComplianceWaiver,
    PolicyFixture,
)
from webnet.compliance.policy_yaml import PolicyData
from webnet.core import audit, changes
from webnet.customers.models import Customer
from webnet.devices.models import DeviceGroup, Tag


def rule_specs(policy: CompliancePolicy) -> list[RuleSpec]:
    return [
        RuleSpec(r.name, r.kind, r.parameters, r.severity, r.context) for r in policy.rules.all()
    ]


def policy_data(policy: CompliancePolicy) -> PolicyData:
    """The stored policy as plain data (for YAML export and re-validation)."""
    return PolicyData(
        name=policy.name,
        description=policy.description,
        enabled=policy.enabled,
        platforms=list(policy.platforms),
        tags=sorted(tag.name for tag in policy.tags.all()),
        groups=sorted(group.name for group in policy.groups.all()),
        severity=policy.severity,
        rules=rule_specs(policy),
        fixtures=[
            FixtureSpec(f.name, f.platform, f.config, dict(f.expected))
            for f in policy.fixtures.all()
        ],
    )


def check_fixtures(data: PolicyData) -> None:
    """Refuse (ValidationError on `fixtures`) when any fixture disagrees with the rules."""
    disagreements = run_fixtures(data.rules, data.fixtures)
    if disagreements:
        raise ValidationError(
            {
                "fixtures": [
                    f"fixture {d['fixture']!r}, rule {d['rule']!r}: expected {d['expected']}, "
                    f"got {d['got']}" + (f" ({d['message']})" if d["message"] else "")
                    for d in disagreements
                ]
            }
        )


def _named(model: Any, customer_id: int, names: list[str], what: str) -> list[Any]:
    found = {
        obj.name: obj for obj in model.objects.for_customer(customer_id).filter(name__in=names)
    }
    unknown = [name for name in names if name not in found]
    if unknown:
        raise ValidationError({what: [f"unknown {what[:-1]}(s): {', '.join(unknown)}"]})
    return [found[name] for name in names]


@transaction.atomic
def save_policy(
    actor: Any, customer: Customer, data: PolicyData, policy: CompliancePolicy | None = None
) -> CompliancePolicy:
    """Create (policy None) or replace a policy with its rules and fixtures; fixtures run first.

    Rule ids survive only for rules that keep their name, so waivers on them stay attached.
    """
    policy_yaml.from_dict(policy_yaml.to_dict(data))  # the same checks as a YAML import
    check_fixtures(data)
    tags = _named(Tag, customer.pk, data.tags, "tags")
    groups = _named(DeviceGroup, customer.pk, data.groups, "groups")
    duplicate = CompliancePolicy.objects.for_customer(customer.pk).filter(name=data.name)
    if policy is not None:
        duplicate = duplicate.exclude(pk=policy.pk)
    if duplicate.exists():
        raise ValidationError({"name": ["A policy with this name already exists."]})
    before = {} if policy is None else {**audit.snapshot(policy), "rules": _rule_names(policy)}
    target = policy or CompliancePolicy(customer=customer)
    for name in ("name", "description", "enabled", "platforms", "severity"):
        setattr(target, name, getattr(data, name))
    target.save()
    target.tags.set(tags)
    target.groups.set(groups)
    kept = _keep_rules(target, data) if policy is not None else set()
    _add_rules_and_fixtures(target, data, kept)
    after = {**audit.snapshot(target), "rules": [rule.name for rule in data.rules]}
    audit.record(
        "create" if policy is None else "update",
        actor=actor,
        customer_id=customer.pk,
        obj=target,
        changes=audit.diff(before, after),
    )
    return target


def _rule_names(policy: CompliancePolicy) -> list[str]:
    return list(policy.rules.values_list("name", flat=True))


def _keep_rules(policy: CompliancePolicy, data: PolicyData) -> set[str]:
    """Update rules that keep their name in place; delete the rest; return the kept names."""
    wanted = {rule.name: (index, rule) for index, rule in enumerate(data.rules)}
    rules = ComplianceRule.objects.for_customer(policy.customer_id).filter(policy=policy)
    rules.exclude(name__in=list(wanted)).delete()
    kept: set[str] = set()
    for stored in rules:
        index, rule = wanted[stored.name]
        stored.kind, stored.parameters = rule.kind, dict(rule.parameters)
        stored.severity, stored.context, stored.order = rule.severity, rule.context, index
        stored.save()
        kept.add(stored.name)
    return kept


def _add_rules_and_fixtures(policy: CompliancePolicy, data: PolicyData, kept: set[str]) -> None:
    PolicyFixture.objects.for_customer(policy.customer_id).filter(policy=policy).delete()
    ComplianceRule.objects.bulk_create(
        ComplianceRule(
            customer_id=policy.customer_id,
            policy=policy,
            name=rule.name,
            kind=rule.kind,
            parameters=dict(rule.parameters),
            severity=rule.severity,
            context=rule.context,
            order=index,
        )
        for index, rule in enumerate(data.rules)
        if rule.name not in kept
    )
    PolicyFixture.objects.bulk_create(
        PolicyFixture(
            customer_id=policy.customer_id,
            policy=policy,
            name=fixture.name,
            platform=fixture.platform,
            config=fixture.config,
            expected=dict(fixture.expected),
        )
        for fixture in data.fixtures
    )


def delete_policy(actor: Any, policy: CompliancePolicy) -> None:
    changes.delete(actor, policy)


def create_waiver(actor: Any, data: dict[str, Any]) -> ComplianceWaiver:
    return changes.create(actor, ComplianceWaiver, {**data, "created_by": actor})


def update_waiver(actor: Any, waiver: ComplianceWaiver, data: dict[str, Any]) -> ComplianceWaiver:
    return changes.update(actor, waiver, data)


def active_waivers_of(
    customer_id: int, device_ids: list[int], now: Any = None
) -> dict[int, dict[int, str]]:
    """device id → {rule id → reason} for the waivers that have not expired at `now`."""
    now = now or timezone.now()
    waivers = ComplianceWaiver.objects.for_customer(customer_id).filter(device_id__in=device_ids)
    found: dict[int, dict[int, str]] = {}
    for device_id, rule_id, reason, expires in waivers.values_list(
        "device_id", "rule_id", "reason", "expires_at"
    ):
        if expires is None or expires > now:
            found.setdefault(device_id, {})[rule_id] = reason
    return found


def active_waivers(customer_id: int, device_id: int, now: Any = None) -> dict[int, str]:
    """rule id → reason for the device's waivers that have not expired at `now`."""
    return active_waivers_of(customer_id, [device_id], now).get(device_id, {})
