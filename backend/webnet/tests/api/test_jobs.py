"""Jobs API: start (202), scoped reads, logs by after_seq, results, cancel, re-run, schedules."""

from typing import Any

from webnet.jobs import lifecycle
from webnet.jobs.lifecycle import LogEntry
from webnet.jobs.models import Job, JobDeviceResult
from webnet.tests import factories as f
from webnet.tests.api.contract import ResourceContract
from webnet.tests.conftest import World
from webnet.tests.ui.test_deploy import assert_replanned, finished_deploy, previewed_plan

SHOW = {"commands": ["show version"]}


def _start(api, world: World, role: str = "operator", **body) -> dict:
    payload = {
        "customer": world.a.pk,
        "kind": "commands.run",
        "targets": {"all": True},
        "params": SHOW,
        **body,
    }
    return api(role).post("/api/v1/jobs/", payload, format="json")


def test_start_returns_202_with_job(world: World, api) -> None:
    f.DeviceFactory(customer=world.a)
    response = _start(api, world)
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "queued" and body["total"] == 1 and body["kind"] == "commands.run"


def test_bad_job_requests_are_field_errors(world: World, api) -> None:
    f.DeviceFactory(customer=world.a)
    assert "kind" in _start(api, world, kind="bogus").json()
    assert "targets" in _start(api, world, targets={"devices": [99999]}).json()
    assert "commands" in _start(api, world, params={"commands": []}).json()
    assert "customer" in _start(api, world, customer=world.b.pk).json()


def test_jobs_are_scoped_and_logs_resume_by_seq(world: World, api) -> None:
    f.DeviceFactory(customer=world.a)
    job_id = _start(api, world).json()["id"]
    job = Job.objects.get(pk=job_id)
    lifecycle.append_log(job, [LogEntry(f"line {i}") for i in range(1, 6)])
    logs = api("viewer").get(f"/api/v1/jobs/{job_id}/logs/?after_seq=3").json()
    assert [line["seq"] for line in logs["lines"]] == [4, 5] and logs["last_seq"] == 5
    assert api("viewer").get(f"/api/v1/jobs/{job_id}/logs/?after_seq=x").status_code == 400
    assert api("outsider").get(f"/api/v1/jobs/{job_id}/").status_code == 404
    assert api("outsider").get(f"/api/v1/jobs/{job_id}/logs/").status_code == 404
    assert api("outsider").get("/api/v1/jobs/").json()["count"] == 0


def test_results_cancel_and_rerun(world: World, api) -> None:
    device = f.DeviceFactory(customer=world.a)
    job_id = _start(api, world).json()["id"]
    JobDeviceResult.objects.create(
        customer=world.a,
        job_id=job_id,
        device=device,
        hostname=device.hostname,
        status="failed",
        error_code="auth_failed",
    )
    rows = api("viewer").get(f"/api/v1/jobs/{job_id}/results/").json()["results"]
    assert rows[0]["error_code"] == "auth_failed"
    assert api("viewer").post(f"/api/v1/jobs/{job_id}/cancel/").status_code == 403
    assert api("operator").post(f"/api/v1/jobs/{job_id}/cancel/").json()["status"] == "cancelled"
    rerun = api("operator").post(
        f"/api/v1/jobs/{job_id}/rerun/", {"failed_only": True}, format="json"
    )
    assert rerun.status_code == 202 and rerun.json()["device_ids"] == [device.pk]
    assert api("outsider").post(f"/api/v1/jobs/{job_id}/cancel/").status_code == 404


def test_kinds_are_listed(world: World, api) -> None:
    names = {kind["name"] for kind in api("viewer").get("/api/v1/job-kinds/").json()}
    assert {
        "commands.run",
        "devices.check_reachability",
        "devices.collect_facts",
        "config.backup",
    } <= names


def test_schedule_validation(world: World, api) -> None:
    payload = {
        "customer": world.a.pk,
        "name": "n",
        "kind": "config.backup",
        "targets": {"all": True},
        "cron": "61 * * * *",
    }
    assert "cron" in api("operator").post("/api/v1/schedules/", payload, format="json").json()
    payload["cron"] = "*/15 * * * *"
    created = api("operator").post("/api/v1/schedules/", payload, format="json")
    assert created.status_code == 201 and created.json()["next_run_at"]
    paused = api("operator").patch(
        f"/api/v1/schedules/{created.json()['id']}/", {"enabled": False}, format="json"
    )
    assert paused.json()["next_run_at"] is None


def test_rerun_of_a_deploy_job_is_a_new_preview_not_a_push(world: World, api) -> None:
    plan = previewed_plan(world.a, f.DeviceFactory(customer=world.a), world.operator)
    job = finished_deploy(plan)
    response = api("operator").post(f"/api/v1/jobs/{job.pk}/rerun/", {}, format="json")
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["kind"] == "config.preview"
    assert_replanned(plan, body["params"]["plan"])


HAND_WRITTEN_DEPLOY = {
    "plan": 1,
    "changes": {"1": {"commands": ["snmp-server location X"], "pre_hash": "x"}},
    "order": [1],
    "canary": 0,
}


def test_deploy_kinds_cannot_be_started_through_the_jobs_endpoint(world: World, api) -> None:
    device = f.DeviceFactory(customer=world.a)
    changes = {str(device.pk): HAND_WRITTEN_DEPLOY["changes"]["1"]}
    for kind, params in (
        ("config.deploy", {**HAND_WRITTEN_DEPLOY, "changes": changes, "order": [device.pk]}),
        ("config.preview", {"plan": 1, "intents": {str(device.pk): {"lines": ["x"]}}}),
    ):
        for role in ("operator", "admin"):
            response = _start(api, world, role, kind=kind, params=params)
            assert response.status_code == 400, response.json()
            assert "change plan" in response.json()["kind"][0]
    assert not Job.objects.exists()
    kinds = api("viewer").get("/api/v1/job-kinds/").json()
    started_by = {kind["name"]: kind["started_by"] for kind in kinds}
    assert started_by["config.deploy"] and not started_by["commands.run"]


def test_deploy_jobs_are_never_pushed_again_nor_scheduled(world: World, api) -> None:
    """Re-running a deploy previews its plan again (the plan of this one is gone: 400)."""
    device = f.DeviceFactory(customer=world.a)
    done = Job.objects.create(
        customer=world.a,
        kind="config.deploy",
        status="failed",
        targets={"devices": [device.pk]},
        device_ids=[device.pk],
        params=HAND_WRITTEN_DEPLOY,
        total=1,
    )
    response = api("operator").post(f"/api/v1/jobs/{done.pk}/rerun/", {}, format="json")
    assert response.status_code == 400 and "plan" in response.json()
    schedule = {
        "customer": world.a.pk,
        "name": "deploy nightly",
        "kind": "config.deploy",
        "targets": {"all": True},
        "params": HAND_WRITTEN_DEPLOY,
        "cron": "0 2 * * *",
    }
    response = api("operator").post("/api/v1/schedules/", schedule, format="json")
    assert response.status_code == 400 and "kind" in response.json()
    assert Job.objects.count() == 1


def test_log_resume_and_id_filters_refuse_what_the_database_cannot_hold(world: World, api) -> None:
    f.DeviceFactory(customer=world.a)
    job = _start(api, world).json()["id"]
    client = api("viewer")
    for query in ({"after_seq": str(2**64)}, {"after_seq": "²"}, {"device": str(2**64)}):
        response = client.get(f"/api/v1/jobs/{job}/logs/", query)
        assert response.status_code == 400, query
        assert set(response.json()) <= {"after_seq", "device"}, response.json()
    assert client.get("/api/v1/jobs/", {"device": str(2**64)}).status_code == 400
    assert client.get("/api/v1/devices/", {"group": str(2**64)}).status_code == 400


def test_the_names_kinds_had_before_are_accepted_for_one_release(world: World, api) -> None:
    f.DeviceFactory(customer=world.a)
    response = _start(api, world, kind="run_commands")
    assert response.status_code == 202, response.content
    assert Job.objects.get(pk=response.json()["id"]).kind == "commands.run"
    listed = api("viewer").get("/api/v1/jobs/", {"kind": "run_commands"}).json()["results"]
    assert [job["id"] for job in listed] == [response.json()["id"]]


class TestSchedules(ResourceContract):
    endpoint = "schedules"
    least_role = {"view": "viewer", "add": "operator", "change": "operator", "delete": "operator"}

    def make(self, world: World) -> Any:
        return f.ScheduleFactory(customer=world.a, owner=world.operator, targets={"all": True})

    def create_payload(self, world: World) -> dict:
        return {
            "customer": world.a.pk,
            "name": "nightly",
            "kind": "config.backup",
            "targets": {"all": True},
            "cron": "0 2 * * *",
        }

    def update_payload(self, world: World) -> dict:
        return {"cron": "30 3 * * *"}
