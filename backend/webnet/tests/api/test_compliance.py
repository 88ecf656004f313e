"""Compliance API: generated CRUD/tenancy contracts, YAML import/export, fixtures refusing a save,
results/summary/remediation scoping."""

from typing import Any

from webnet.compliance.models import CompliancePolicy, ComplianceResult, ComplianceRun
from webnet.core.models import AuditEvent
from webnet.tests import factories as f
from webnet.tests.api.contract import ResourceContract
from webnet.tests.conftest import World

POLICY_YAML = """\
name: baseline
description: management plane
platforms: [cisco_ios]
severity: high
rules:
  - name: ssh v2
    kind: must_contain
    parameters: {lines: [ip ssh version 2]}
  - name: log buffer
    kind: regex_compare
    parameters: {regex: 'logging buffered (\\d+)', operator: '>=', value: 16384}
    severity: low
fixtures:
  - name: good
    platform: cisco_ios
    config: |
      ip ssh version 2
      logging buffered 32768
    expected: {ssh v2: pass, log buffer: pass}
  - name: bad
    platform: cisco_ios
    config: |
      logging buffered 4096
    expected: {ssh v2: fail, log buffer: fail}
"""


def _policy(world: World) -> CompliancePolicy:
    rule = f.ComplianceRuleFactory(policy__customer=world.a, name="ssh")
    return rule.policy


class TestCompliancePolicies(ResourceContract):
    endpoint = "compliance-policies"
    least_role = {"view": "viewer", "add": "admin", "change": "admin", "delete": "admin"}

    def make(self, world: World) -> Any:
        return _policy(world)

    def create_payload(self, world: World) -> dict:
        return {
            "customer": world.a.pk,
            "name": "ntp",
            "rules": [
                {
                    "name": "ntp",
                    "kind": "must_contain",
                    "parameters": {"lines": ["ntp server .*"], "regex": True},
                }
            ],
            "fixtures": [
                {
                    "name": "f",
                    "platform": "cisco_ios",
                    "config": "ntp server 1.1.1.1\n",
                    "expected": {"ntp": "pass"},
                }
            ],
        }

    def update_payload(self, world: World) -> dict:
        return {"description": "rotated", "severity": "critical"}


class TestComplianceWaivers(ResourceContract):
    endpoint = "compliance-waivers"
    least_role = {"view": "viewer", "add": "admin", "change": "admin", "delete": "admin"}
    related = {
        "device": lambda customer: f.DeviceFactory(customer=customer),
        "rule": lambda customer: f.ComplianceRuleFactory(policy__customer=customer),
    }

    def make(self, world: World) -> Any:
        return f.ComplianceWaiverFactory(customer=world.a)

    def create_payload(self, world: World) -> dict:
        return {
            "customer": world.a.pk,
            "device": f.DeviceFactory(customer=world.a).pk,
            "rule": f.ComplianceRuleFactory(policy__customer=world.a).pk,
            "reason": "lab box",
            "expires_at": "2030-01-01T00:00:00Z",
        }

    def update_payload(self, world: World) -> dict:
        return {"reason": "extended"}


def test_yaml_import_export_round_trip(world: World, api) -> None:
    response = api("admin").post(
        "/api/v1/compliance-policies/import-yaml/", {"customer": world.a.pk, "yaml": POLICY_YAML}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert [r["name"] for r in body["rules"]] == ["ssh v2", "log buffer"]
    assert body["rules"][1]["severity"] == "low" and body["severity"] == "high"
    exported = api("viewer").get(f"/api/v1/compliance-policies/{body['id']}/yaml/")
    assert exported.status_code == 200 and exported["Content-Type"] == "application/yaml"
    again = api("admin").post(
        "/api/v1/compliance-policies/import-yaml/",
        {"customer": world.a.pk, "yaml": exported.content.decode()},
    )
    assert again.status_code == 200  # same name: replaced, not duplicated
    assert again.json()["rules"] == body["rules"]
    assert CompliancePolicy.objects.count() == 1
    tested = api("viewer").post(f"/api/v1/compliance-policies/{body['id']}/test/")
    assert tested.json() == {"ok": True, "fixtures": 2, "disagreements": []}


def test_a_failing_fixture_refuses_the_save(world: World, api) -> None:
    bad = POLICY_YAML.replace(
        "expected: {ssh v2: fail, log buffer: fail}", "expected: {ssh v2: pass}"
    )
    before = AuditEvent.objects.count()
    response = api("admin").post(
        "/api/v1/compliance-policies/import-yaml/", {"customer": world.a.pk, "yaml": bad}
    )
    assert response.status_code == 400
    assert response.json()["fixtures"] == [
        "fixture 'bad', rule 'ssh v2': expected pass, got fail (missing 1 line(s))"
    ]
    assert not CompliancePolicy.objects.exists() and AuditEvent.objects.count() == before
    policy = _policy(world)
    patch = api("admin").patch(
        f"/api/v1/compliance-policies/{policy.pk}/",
        {
            "fixtures": [
                {
                    "name": "x",
                    "platform": "cisco_ios",
                    "config": "hostname a\n",
                    "expected": {"ssh": "pass"},
                }
            ]
        },
        format="json",
    )
    assert patch.status_code == 400 and "fixture 'x', rule 'ssh'" in patch.json()["fixtures"][0]


def test_invalid_yaml_names_the_path(world: World, api) -> None:
    broken = POLICY_YAML.replace("kind: regex_compare", "kind: regex_compar").replace(
        "severity: low", "severity: urgent"
    )
    response = api("admin").post(
        "/api/v1/compliance-policies/import-yaml/", {"customer": world.a.pk, "yaml": broken}
    )
    assert response.status_code == 400
    errors = response.json()["yaml"]
    assert any(e.startswith("rules[1].kind: 'regex_compar' is not one of") for e in errors)
    assert any(e.startswith("rules[1].severity: 'urgent'") for e in errors)
    syntax = api("admin").post(
        "/api/v1/compliance-policies/import-yaml/", {"customer": world.a.pk, "yaml": "a: [1,\n"}
    )
    assert syntax.status_code == 400 and syntax.json()["yaml"][0].startswith("line ")
    json_api = api("admin").post(
        "/api/v1/compliance-policies/",
        {"customer": world.a.pk, "name": "p", "rules": [{"name": "r", "kind": "must_contain"}]},
        format="json",
    )
    assert json_api.status_code == 400
    assert json_api.json()["rules"] == [
        "rules[0]: parameter 'lines' must be a non-empty list of strings"
    ]


def test_viewer_and_operator_cannot_write_policies(world: World, api) -> None:
    for role in ("viewer", "operator"):
        response = api(role).post(
            "/api/v1/compliance-policies/import-yaml/",
            {"customer": world.a.pk, "yaml": POLICY_YAML},
        )
        assert response.status_code == 403
    assert not CompliancePolicy.objects.exists()


def _run_with_results(world: World) -> tuple[ComplianceRun, Any]:
    device = f.DeviceFactory(customer=world.a, platform="cisco_ios")
    f.ConfigSnapshotFactory(device=device, text="hostname r1\nlogging host 10.9.9.9\n")
    rule = f.ComplianceRuleFactory(policy__customer=world.a, name="ssh")
    forbidden = f.ComplianceRuleFactory(
        policy=rule.policy,
        name="no log host",
        kind="must_not_contain",
        parameters={"lines": ["logging host .*"], "regex": True},
    )
    run = ComplianceRun.objects.create(
        customer=world.a, score=0.0, device_scores={str(device.pk): 0.0}
    )
    for r in (rule, forbidden):
        ComplianceResult.objects.create(
            customer=world.a,
            run=run,
            device=device,
            policy=rule.policy,
            rule=r,
            rule_name=r.name,
            status="fail",
        )
    return run, device


def test_results_summary_and_remediation_are_scoped(world: World, api) -> None:
    run, device = _run_with_results(world)
    viewer = api("viewer")
    assert viewer.get(f"/api/v1/compliance-results/?run={run.pk}&status=fail").json()["count"] == 2
    assert viewer.get(f"/api/v1/compliance-runs/{run.pk}/").json()["score"] == 0.0
    summary = viewer.get("/api/v1/compliance/summary/").json()
    assert summary["latest_run"] == run.pk and summary["failing_devices"][0]["failed"] == 2
    remediation = viewer.get(f"/api/v1/compliance/remediation/?device={device.pk}&run={run.pk}")
    assert remediation.status_code == 200, remediation.content
    assert remediation.json()["lines"] == ["no logging host 10.9.9.9", "ip ssh version 2"]
    outsider = api("outsider")
    assert outsider.get(f"/api/v1/compliance-runs/{run.pk}/").status_code == 404
    assert outsider.get("/api/v1/compliance-results/").json()["count"] == 0
    assert outsider.get(f"/api/v1/compliance/summary/?customer={world.a.pk}").status_code == 404
    assert outsider.get(f"/api/v1/compliance/remediation/?device={device.pk}").status_code == 404
    assert viewer.get("/api/v1/compliance/remediation/?device=x").status_code == 400


def test_compliance_schedules_use_the_job_scheduler(world: World, api) -> None:
    payload = {
        "customer": world.a.pk,
        "name": "nightly compliance",
        "kind": "compliance.check",
        "targets": {"all": True},
        "params": {"fresh": True},
        "cron": "30 3 * * *",
    }
    created = api("operator").post("/api/v1/schedules/", payload, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["params"] == {"policies": [], "fresh": True}
    bad = api("operator").post(
        "/api/v1/schedules/",
        {**payload, "name": "other", "params": {"policies": ["x"]}},
        format="json",
    )
    assert bad.status_code == 400 and "policies" in bad.json()


def test_quoted_secrets_are_masked_for_non_admins(world: World, api) -> None:
    device = f.DeviceFactory(customer=world.a, platform="cisco_ios")
    f.ConfigSnapshotFactory(device=device, text="hostname r1\nsnmp-server community s3cr3t RO\n")
    forbidden = f.ComplianceRuleFactory(
        policy__customer=world.a,
        name="no communities",
        kind="must_not_contain",
        parameters={"lines": ["snmp-server community .*"], "regex": True},
    )
    run = ComplianceRun.objects.create(customer=world.a)
    ComplianceResult.objects.create(
        customer=world.a,
        run=run,
        device=device,
        rule=forbidden,
        rule_name=forbidden.name,
        status="fail",
        details={"found": ["snmp-server community s3cr3t RO"]},
    )
    ComplianceResult.objects.create(
        customer=world.a,
        run=run,
        device=device,
        rule_name="community value",
        status="fail",
        message="captured s3cr3t is not == x",
        details={"captured": ["s3cr3t"], "matched": ["snmp-server community s3cr3t RO"]},
    )
    results = f"/api/v1/compliance-results/?run={run.pk}"
    remediation = f"/api/v1/compliance/remediation/?device={device.pk}"
    for role in ("viewer", "operator"):
        assert "s3cr3t" not in api(role).get(results).content.decode()
        lines = api(role).get(remediation).json()["lines"]
        assert lines and "s3cr3t" not in str(lines)
    assert "s3cr3t" in api("admin").get(results).content.decode()
    assert api("admin").get(remediation).json()["lines"] == ["no snmp-server community s3cr3t RO"]


def test_unicode_digits_and_huge_ids_are_field_errors(world: World, api) -> None:
    client = api("admin")
    for url, name in (
        ("/api/v1/compliance/summary/", "customer"),
        ("/api/v1/compliance/remediation/", "device"),
        ("/api/v1/compliance/remediation/", "run"),
    ):
        for value in ("²", str(2**64), "-1"):
            response = client.get(url, {"device": "1", name: value})
            assert response.status_code == 400 and name in response.json(), (url, value)


def test_deeply_nested_yaml_is_a_field_error(world: World, api) -> None:
    response = api("admin").post(
        "/api/v1/compliance-policies/import-yaml/",
        {"customer": world.a.pk, "yaml": "[" * 5000 + "]" * 5000},
    )
    assert response.status_code == 400 and "nested too deeply" in str(response.json())


def test_yaml_download_of_a_name_with_crlf_keeps_headers_intact(world: World, api) -> None:
    policy = f.CompliancePolicyFactory(customer=world.a, name="evil\r\nSet-Cookie: x=1")
    response = api("viewer").get(f"/api/v1/compliance-policies/{policy.pk}/yaml/")
    assert response.status_code == 200
    assert "\n" not in response["Content-Disposition"] and not response.has_header("Set-Cookie")
