"""Compliance pages: policy editor with fixtures inline, YAML import/export, overview, device
page with remediation, run button, waivers; roles and tenancy."""

from collections.abc import Callable

from django.test import Client
from django.urls import reverse

from webnet.compliance import services
from webnet.compliance.evaluator import FixtureSpec, RuleSpec
from webnet.compliance.models import CompliancePolicy, ComplianceResult, ComplianceRun
from webnet.compliance.policy_yaml import PolicyData
from webnet.core.models import AuditEvent
from webnet.jobs.models import Job
from webnet.tests import factories as f
from webnet.tests.conftest import World
from webnet.tests.ui.conftest import Inventory

UI = Callable[[str], Client]


def _formset(prefix: str, rows: list[dict]) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        data.update({f"{prefix}-{index}-{key}": value for key, value in row.items()})
    return data


def _policy_post(expected: str) -> dict:
    return {
        "name": "ssh",
        "severity": "high",
        "enabled": "on",
        "platforms": ["cisco_ios"],
        "tags": ["core"],
        **_formset(
            "rules",
            [
                {
                    "name": "ssh v2",
                    "kind": "must_contain",
                    "severity": "high",
                    "parameters": '{"lines": ["ip ssh version 2"]}',
                }
            ],
        ),
        **_formset(
            "fixtures",
            [
                {
                    "name": "bare",
                    "platform": "cisco_ios",
                    "config": "hostname r1\n",
                    "expected": f'{{"ssh v2": "{expected}"}}',
                }
            ],
        ),
    }


def test_admin_builds_a_policy_and_a_bad_fixture_is_refused(ui: UI, inventory: Inventory) -> None:
    client = ui("admin")
    assert b"rules-TOTAL_FORMS" in client.get(reverse("ui:compliance_policy_create")).content
    empty = client.get(reverse("ui:compliance_overview"))
    assert b"No compliance run yet" in empty.content and b"Run compliance" in empty.content
    refused = client.post(reverse("ui:compliance_policy_create"), _policy_post("pass"))
    assert refused.status_code == 400
    assert (
        b"fixture &#x27;bare&#x27;, rule &#x27;ssh v2&#x27;: expected pass, got fail"
        in refused.content
    )
    assert b"disagrees" in refused.content and not CompliancePolicy.objects.exists()
    saved = client.post(reverse("ui:compliance_policy_create"), _policy_post("fail"))
    assert saved.status_code == 302
    policy = CompliancePolicy.objects.get()
    assert [t.name for t in policy.tags.all()] == ["core"] and policy.rules.get().name == "ssh v2"
    page = client.get(reverse("ui:compliance_policy_edit", args=[policy.pk]))
    assert b"agrees" in page.content and b"ip ssh version 2" in page.content
    exported = client.get(reverse("ui:compliance_policy_yaml", args=[policy.pk]))
    assert exported["Content-Type"] == "application/yaml" and b"name: ssh v2" in exported.content


def test_yaml_import_page_shows_path_errors(ui: UI, world: World) -> None:
    client = ui("admin")
    bad = client.post(
        reverse("ui:compliance_policy_import"),
        {"yaml": "name: x\nrules:\n  - {name: r, kind: nope}\n"},
    )
    assert bad.status_code == 400 and b"rules[0].kind" in bad.content
    good = client.post(
        reverse("ui:compliance_policy_import"),
        {"yaml": "name: x\nrules:\n  - {name: r, kind: must_contain, parameters: {lines: [a]}}\n"},
    )
    assert good.status_code == 302 and CompliancePolicy.objects.get().name == "x"


def test_viewer_and_operator_cannot_write_policies(ui: UI, world: World) -> None:
    policy = f.ComplianceRuleFactory(policy__customer=world.a).policy
    for role in ("viewer", "operator"):
        client = ui(role)
        assert client.get(reverse("ui:compliance_policy_list")).status_code == 200
        assert (
            client.post(reverse("ui:compliance_policy_create"), _policy_post("fail")).status_code
            == 403
        )
        assert (
            client.post(reverse("ui:compliance_policy_import"), {"yaml": "name: y\n"}).status_code
            == 403
        )
        edit = client.post(
            reverse("ui:compliance_policy_edit", args=[policy.pk]), _policy_post("fail")
        )
        assert edit.status_code == 403
    assert CompliancePolicy.objects.count() == 1


def test_other_customers_policy_and_results_are_404(ui: UI, world: World) -> None:
    policy = f.ComplianceRuleFactory(policy__customer=world.b).policy
    device = f.DeviceFactory(customer=world.b)
    run = ComplianceRun.objects.create(customer=world.b)
    client = ui("admin")
    for url in (
        reverse("ui:compliance_policy_edit", args=[policy.pk]),
        reverse("ui:compliance_policy_yaml", args=[policy.pk]),
        reverse("ui:compliance_policy_delete", args=[policy.pk]),
        reverse("ui:compliance_run_detail", args=[run.pk]),
        reverse("ui:device_compliance", args=[device.pk]),
    ):
        assert client.get(url).status_code == 404, url


def _checked(world: World, device) -> ComplianceRun:
    f.ConfigSnapshotFactory(device=device, text="hostname alpha-core-1\n")
    policy = services.save_policy(
        world.admin,
        world.a,
        PolicyData(
            name="base",
            rules=[RuleSpec("ssh v2", "must_contain", {"lines": ["ip ssh version 2"]})],
            fixtures=[FixtureSpec("f", "cisco_ios", "ip ssh version 2\n", {"ssh v2": "pass"})],
        ),
    )
    run = ComplianceRun.objects.create(
        customer=world.a, score=0.0, device_scores={str(device.pk): 0.0}
    )
    ComplianceResult.objects.create(
        customer=world.a,
        run=run,
        device=device,
        policy=policy,
        rule=policy.rules.get(),
        rule_name="ssh v2",
        status="fail",
        message="missing 1 line(s)",
        details={"missing": ["ip ssh version 2"]},
    )
    return run


def test_overview_device_page_and_remediation(ui: UI, world: World, inventory: Inventory) -> None:
    device = inventory.device
    device.platform = "cisco_ios"
    device.save()
    run = _checked(world, device)
    viewer = ui("viewer")
    overview = viewer.get(reverse("ui:compliance_overview"))
    assert overview.status_code == 200
    assert b'id="compliance-score">0.0%' in overview.content and b"alpha-core-1" in overview.content
    assert b"Run compliance" not in overview.content  # viewers do not run jobs
    page = viewer.get(reverse("ui:device_compliance", args=[device.pk]))
    assert b'id="remediation-lines">ip ssh version 2</pre>' in page.content
    assert b"remediation-change" not in page.content  # viewers do not deploy
    admin_page = ui("admin").get(reverse("ui:device_compliance", args=[device.pk]))
    assert b"lines=ip+ssh+version+2" in admin_page.content
    assert (
        viewer.get(reverse("ui:compliance_run_detail", args=[run.pk]) + "?status=fail").status_code
        == 200
    )


def test_operator_runs_compliance_and_admin_waives(
    ui: UI, world: World, inventory: Inventory
) -> None:
    assert ui("viewer").post(reverse("ui:compliance_run")).status_code == 403
    response = ui("operator").post(reverse("ui:compliance_run"), {"fresh": "on"})
    job = Job.objects.get(kind="compliance.check")
    assert response.status_code == 302 and job.params == {"policies": [], "fresh": True}
    rule = f.ComplianceRuleFactory(policy__customer=world.a)
    form = {"device": inventory.device.pk, "rule": rule.pk, "reason": "lab"}
    assert ui("operator").post(reverse("ui:compliance_waiver_create"), form).status_code == 403
    assert ui("admin").post(reverse("ui:compliance_waiver_create"), form).status_code == 302
    event = AuditEvent.objects.first()
    assert event.action == "create" and event.object_type == "compliance.compliancewaiver"
    assert b"lab" in ui("viewer").get(reverse("ui:compliance_waiver_list")).content


def test_yaml_download_of_a_name_with_crlf_keeps_headers_intact(ui: UI, world: World) -> None:
    policy = f.CompliancePolicyFactory(customer=world.a, name="evil\r\nSet-Cookie: x=1")
    exported = ui("viewer").get(reverse("ui:compliance_policy_yaml", args=[policy.pk]))
    assert exported.status_code == 200
    assert "\n" not in exported["Content-Disposition"] and not exported.has_header("Set-Cookie")
