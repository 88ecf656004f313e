"""Saving policies (fixtures first, one audit event, waivers survive edits) and waiver expiry."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from webnet.compliance import services
from webnet.compliance.evaluator import FixtureSpec, RuleSpec
from webnet.compliance.models import CompliancePolicy, ComplianceRule
from webnet.compliance.policy_yaml import PolicyData
from webnet.compliance.runs import policies_for
from webnet.core.models import AuditEvent
from webnet.tests import factories as f
from webnet.tests.conftest import World

SSH = RuleSpec("ssh", "must_contain", {"lines": ["ip ssh version 2"]})


def _data(**changes) -> PolicyData:
    base = {
        "name": "p",
        "rules": [SSH],
        "fixtures": [FixtureSpec("ok", "cisco_ios", "ip ssh version 2\n", {"ssh": "pass"})],
    }
    return PolicyData(**{**base, **changes})


def test_a_failing_fixture_refuses_the_save(world: World) -> None:
    bad = _data(fixtures=[FixtureSpec("bad", "cisco_ios", "hostname r\n", {"ssh": "pass"})])
    with pytest.raises(ValidationError) as info:
        services.save_policy(world.admin, world.a, bad)
    assert info.value.message_dict["fixtures"] == [
        "fixture 'bad', rule 'ssh': expected pass, got fail (missing 1 line(s))"
    ]
    assert not CompliancePolicy.objects.exists() and not AuditEvent.objects.exists()


def test_save_is_one_audit_event_and_keeps_rule_ids(world: World) -> None:
    policy = services.save_policy(world.admin, world.a, _data())
    rule_id = policy.rules.get().pk
    waiver = f.ComplianceWaiverFactory(
        customer=world.a, rule=ComplianceRule.objects.get(pk=rule_id)
    )
    before = AuditEvent.objects.count()
    other = RuleSpec("ntp", "must_not_contain", {"lines": ["ntp server 10.0.0.1"]}, "low")
    services.save_policy(world.admin, world.a, _data(rules=[other, SSH], description="v2"), policy)
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.first()
    assert event.action == "update" and event.changes["rules"] == [["ssh"], ["ntp", "ssh"]]
    assert list(policy.rules.values_list("name", "order")) == [("ntp", 0), ("ssh", 1)]
    assert policy.rules.get(name="ssh").pk == rule_id
    waiver.refresh_from_db()  # still attached to the same rule


def test_unknown_tags_and_duplicate_names_are_field_errors(world: World) -> None:
    with pytest.raises(ValidationError) as info:
        services.save_policy(world.admin, world.a, _data(tags=["nope"]))
    assert "tags" in info.value.message_dict
    services.save_policy(world.admin, world.a, _data())
    with pytest.raises(ValidationError) as info:
        services.save_policy(world.admin, world.a, _data())
    assert "name" in info.value.message_dict
    services.save_policy(world.outsider, world.b, _data())  # same name, other customer: fine


def test_waivers_expire(world: World) -> None:
    device = f.DeviceFactory(customer=world.a)
    now = timezone.now()
    current = f.ComplianceWaiverFactory(
        customer=world.a, device=device, expires_at=now + timedelta(days=1)
    )
    f.ComplianceWaiverFactory(
        customer=world.a, device=device, expires_at=now - timedelta(seconds=1)
    )
    forever = f.ComplianceWaiverFactory(customer=world.a, device=device, expires_at=None)
    assert services.active_waivers(world.a.pk, device.pk, now) == {
        current.rule_id: "accepted risk",
        forever.rule_id: "accepted risk",
    }
    later = now + timedelta(days=2)
    assert services.active_waivers(world.a.pk, device.pk, later) == {
        forever.rule_id: "accepted risk"
    }


def test_policy_scope_by_platform_tag_and_group(world: World) -> None:
    core = f.TagFactory(customer=world.a, name="core")
    ios = f.DeviceFactory(customer=world.a, platform="cisco_ios", tags=[core])
    eos = f.DeviceFactory(customer=world.a, platform="arista_eos")
    group = f.DeviceGroupFactory(customer=world.a, devices=[eos])
    everywhere = services.save_policy(world.admin, world.a, _data(name="all"))
    by_platform = services.save_policy(
        world.admin, world.a, _data(name="ios", platforms=["cisco_ios"])
    )
    by_tag = services.save_policy(world.admin, world.a, _data(name="core", tags=["core"]))
    by_group = services.save_policy(world.admin, world.a, _data(name="grp", groups=[group.name]))
    services.save_policy(world.admin, world.a, _data(name="off", enabled=False))
    assert {p.name for p in policies_for(ios)} == {everywhere.name, by_platform.name, by_tag.name}
    assert {p.name for p in policies_for(eos)} == {everywhere.name, by_group.name}
    assert [p.name for p in policies_for(eos, [by_platform.pk])] == []  # chosen but out of scope
