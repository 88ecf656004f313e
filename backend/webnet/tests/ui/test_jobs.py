"""Job pages: list/filter/poll, detail partials, run forms, cancel, re-run, device shortcuts.

No job really runs here: under the `db` fixture `on_commit` callbacks never fire, so a job started
through a form stays queued — which is exactly what these tests check.
"""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from webnet.core.models import AuditEvent
from webnet.jobs.models import Job, JobDeviceResult, JobStatus
from webnet.tests import factories
from webnet.tests.conftest import World
from webnet.tests.ui.conftest import Inventory


def make_job(customer: Any, device: Any = None, **fields: Any) -> Job:
    defaults: dict[str, Any] = {
        "kind": "commands.run",
        "status": JobStatus.SUCCESS,
        "targets": {"devices": [device.pk]} if device else {"all": True},
        "device_ids": [device.pk] if device else [],
        "params": {"commands": ["show version"], "parse": False},
        "total": 1 if device else 0,
    }
    defaults.update(fields)
    return Job.objects.create(customer=customer, **defaults)


def add_result(job: Job, device: Any, status: str = "success", **fields: Any) -> JobDeviceResult:
    return JobDeviceResult.objects.create(
        customer=job.customer,
        job=job,
        device=device,
        hostname=device.hostname,
        status=status,
        **fields,
    )


@pytest.fixture
def job(world: World, inventory: Inventory) -> Job:
    finished = make_job(world.a, inventory.device, succeeded=1, requested_by=world.operator)
    add_result(
        finished, inventory.device, output="Cisco IOS Software, Version 15.2", duration_ms=42
    )
    return finished


@pytest.fixture
def other_job(world: World, inventory: Inventory) -> Job:
    return make_job(world.b, inventory.other_device, status=JobStatus.RUNNING)


# --- pages render, per role ------------------------------------------------------------------


@pytest.mark.parametrize("role", ["viewer", "operator", "admin"])
def test_given_any_role_when_opening_job_pages_then_they_render(
    role: str, ui: Callable[[str], Client], job: Job
) -> None:
    client = ui(role)
    for url in (
        reverse("ui:job_list"),
        reverse("ui:job_detail", args=[job.pk]),
        reverse("ui:job_summary", args=[job.pk]),
        reverse("ui:job_results", args=[job.pk]),
        reverse("ui:schedule_list"),
        reverse("ui:dashboard"),
    ):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("role", ["operator", "admin"])
def test_given_operator_when_opening_run_pages_then_they_render(
    role: str, ui: Callable[[str], Client], inventory: Inventory
) -> None:
    client = ui(role)
    for name in ("ui:job_create", "ui:job_run_commands", "ui:schedule_create"):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        assert b'id="id_devices"' in response.content


def test_detail_shows_header_results_and_the_log_island(
    ui: Callable[[str], Client], job: Job
) -> None:
    html = ui("viewer").get(reverse("ui:job_detail", args=[job.pk])).content.decode()
    assert 'data-status="success"' in html
    assert "a-operator" in html
    assert "alpha-core-1" in html and "42 ms" in html
    assert "Cisco IOS Software" in html  # expandable output
    assert 'data-island="JobLog"' in html
    assert '<script id="job-log-props" type="application/json">' in html
    assert f'"wsPath": "/ws/jobs/{job.pk}/"' in html
    assert f'"logsUrl": "/api/v1/jobs/{job.pk}/logs/"' in html
    assert 'hx-trigger="webnet:job-finished from:body"' in html
    # Viewer: no buttons that would only answer 403.
    assert reverse("ui:job_rerun", args=[job.pk]) not in html
    assert "<script>" not in html


def test_list_filters_by_kind_status_and_since(
    ui: Callable[[str], Client], world: World, job: Job
) -> None:
    old = make_job(world.a, kind="devices.collect_facts", status=JobStatus.FAILED)
    Job.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=10))
    client = ui("viewer")
    url = reverse("ui:job_list")
    since = (timezone.now() - timedelta(days=1)).date().isoformat()
    cases = {
        "kind=devices.collect_facts": [old.pk],
        "status=success": [job.pk],
        f"since={since}": [job.pk],
        "": [job.pk, old.pk],
    }
    for query, expected in cases.items():
        response = client.get(f"{url}?{query}")
        assert [j.pk for j in response.context["page"].object_list] == expected, query


def test_list_polls_only_while_a_job_is_active(
    ui: Callable[[str], Client], world: World, job: Job
) -> None:
    client = ui("viewer")
    partial = client.get(reverse("ui:job_list"), headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in partial and 'id="job-table"' in partial
    assert 'hx-trigger="every 3s"' not in partial
    make_job(world.a, status=JobStatus.RUNNING)
    partial = client.get(reverse("ui:job_list"), headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger="every 3s"' in partial


def test_list_query_count_does_not_grow_with_rows(
    ui: Callable[[str], Client], world: World, inventory: Inventory
) -> None:
    client = ui("viewer")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("ui:job_list")).status_code == 200
        return len(captured)

    make_job(world.a, inventory.device, requested_by=world.operator)
    few = queries()
    for _ in range(12):
        make_job(world.a, inventory.device, requested_by=world.operator)
    assert queries() == few


def test_summary_polls_while_active_and_announces_the_finish(
    ui: Callable[[str], Client], world: World, inventory: Inventory
) -> None:
    running = make_job(world.a, inventory.device, status=JobStatus.RUNNING)
    client = ui("viewer")
    url = reverse("ui:job_summary", args=[running.pk])
    response = client.get(url, headers={"HX-Request": "true"})
    assert 'hx-trigger="every 3s,' in response.content.decode()
    assert "HX-Trigger" not in response
    Job.objects.filter(pk=running.pk).update(status=JobStatus.SUCCESS)
    response = client.get(url, headers={"HX-Request": "true"})
    assert "every 3s" not in response.content.decode()
    assert response["HX-Trigger"] == "webnet:job-finished"


# --- tenancy ---------------------------------------------------------------------------------


def test_given_other_customers_job_then_every_job_page_is_404(
    ui: Callable[[str], Client], other_job: Job
) -> None:
    client = ui("admin")
    for name in ("ui:job_detail", "ui:job_summary", "ui:job_results", "ui:job_cancel"):
        assert client.get(reverse(name, args=[other_job.pk])).status_code == 404, name
    for name in ("ui:job_cancel", "ui:job_rerun"):
        assert client.post(reverse(name, args=[other_job.pk])).status_code == 404, name
    other_job.refresh_from_db()
    assert not other_job.cancel_requested
    assert Job.objects.count() == 1
    assert "bravo" not in client.get(reverse("ui:job_list")).content.decode()


# --- viewer may read, not write --------------------------------------------------------------


def test_given_viewer_then_run_cancel_rerun_and_backup_are_403(
    ui: Callable[[str], Client], world: World, inventory: Inventory
) -> None:
    running = make_job(world.a, inventory.device, status=JobStatus.RUNNING)
    client = ui("viewer")
    commands = {"kind": "commands.run", "devices": [inventory.device.pk], "commands": "show clock"}
    forbidden = [
        ("get", reverse("ui:job_create"), {}),
        ("post", reverse("ui:job_create"), commands),
        ("get", reverse("ui:job_run_commands"), {}),
        ("get", reverse("ui:job_cancel", args=[running.pk]), {}),
        ("post", reverse("ui:job_cancel", args=[running.pk]), {}),
        ("post", reverse("ui:job_rerun", args=[running.pk]), {}),
        ("post", reverse("ui:device_backup", args=[inventory.device.pk]), {}),
    ]
    for method, url, data in forbidden:
        assert getattr(client, method)(url, data).status_code == 403, (method, url)
    assert Job.objects.count() == 1
    html = client.get(reverse("ui:device_detail", args=[inventory.device.pk])).content.decode()
    assert "Back up now" not in html
    assert reverse("ui:job_run_commands") not in html  # nor in the sidebar


# --- starting jobs ---------------------------------------------------------------------------


def test_given_operator_when_running_commands_then_a_queued_job_is_created(
    ui: Callable[[str], Client], world: World, inventory: Inventory
) -> None:
    response = ui("operator").post(
        reverse("ui:job_run_commands"),
        {
            "kind": "commands.run",
            "devices": [inventory.device.pk],
            "commands": "show version\n\n  show ip int brief  \n",
            "parse": "on",
            "concurrency": "5",
        },
    )
    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("ui:job_detail", args=[job.pk])
    assert job.status == JobStatus.QUEUED
    assert job.customer == world.a and job.requested_by == world.operator
    assert job.targets == {"devices": [inventory.device.pk]}
    assert job.params == {
        "commands": ["show version", "show ip int brief"],
        "parse": True,
        "concurrency": 5,
    }
    assert AuditEvent.objects.filter(action="create", object_type="jobs.job").count() == 1


def test_run_page_takes_any_kind_with_tags_groups_or_all(
    ui: Callable[[str], Client], inventory: Inventory
) -> None:
    client = ui("operator")
    cases = [
        ({"tags": ["core"]}, {"tags": ["core"]}),
        ({"groups": [inventory.group.pk]}, {"groups": [inventory.group.pk]}),
        ({"all_devices": "on", "tags": ["core"]}, {"all": True}),
    ]
    for fields, targets in cases:
        response = client.post(
            reverse("ui:job_create"), {"kind": "devices.collect_facts", **fields}
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        assert Job.objects.latest("pk").targets == targets
    assert set(Job.objects.values_list("kind", flat=True)) == {"devices.collect_facts"}


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"kind": "commands.run", "commands": "show version"}, "devices", "Choose devices"),
        (
            {"kind": "commands.run", "devices": "DEV", "commands": "  \n"},
            "commands",
            "at least one",
        ),
        ({"kind": "commands.run", "devices": "DEV", "commands": "reload"}, "commands", "read-only"),
        (
            {"kind": "devices.collect_facts", "devices": "DEV", "params_json": '{"x": 1}'},
            "params_json",
            "no param",
        ),
        (
            {"kind": "devices.collect_facts", "devices": "DEV", "concurrency": "0"},
            "concurrency",
            "greater than",
        ),
        ({"kind": "nope", "devices": "DEV"}, "kind", "valid choice"),
        ({"kind": "config.deploy", "devices": "DEV"}, "kind", "valid choice"),
        ({"kind": "config.preview", "devices": "DEV"}, "kind", "valid choice"),
    ],
)
def test_bad_run_input_shows_inline_errors(
    data: dict[str, Any],
    field: str,
    message: str,
    ui: Callable[[str], Client],
    inventory: Inventory,
) -> None:
    data = {k: (inventory.device.pk if v == "DEV" else v) for k, v in data.items()}
    response = ui("operator").post(reverse("ui:job_create"), data)
    assert response.status_code == 400
    errors = " ".join(response.context["form"].errors.get(field, []))
    assert message in errors, response.context["form"].errors
    assert Job.objects.count() == 0


def test_disabled_or_foreign_devices_cannot_be_chosen(
    ui: Callable[[str], Client], world: World, inventory: Inventory
) -> None:
    disabled = factories.DeviceFactory(customer=world.a, hostname="alpha-off", enabled=False)
    client = ui("operator")
    html = client.get(reverse("ui:job_create")).content.decode()
    assert "alpha-core-1" in html
    assert "alpha-off" not in html and "bravo-secret-edge" not in html
    for device in (disabled, inventory.other_device):
        response = client.post(
            reverse("ui:job_run_commands"),
            {"kind": "commands.run", "devices": [device.pk], "commands": "show clock"},
        )
        assert response.status_code == 400
        assert "valid choice" in " ".join(response.context["form"].errors["devices"])
    assert Job.objects.count() == 0


def test_kind_switch_rerenders_with_that_kinds_fields_and_keeps_input(
    ui: Callable[[str], Client], inventory: Inventory
) -> None:
    client = ui("operator")
    html = client.get(reverse("ui:job_create") + "?kind=commands.run").content.decode()
    assert 'name="commands"' in html and 'name="params_json"' not in html
    assert 'hx-get="/jobs/new/"' in html
    html = client.get(
        reverse("ui:job_create") + f"?kind=devices.collect_facts&devices={inventory.device.pk}"
    ).content.decode()
    assert 'name="commands"' not in html and 'name="params_json"' in html
    assert f'value="{inventory.device.pk}" selected' in html


def test_device_page_offers_run_commands_and_backup_for_operator(
    ui: Callable[[str], Client], world: World, inventory: Inventory
) -> None:
    client = ui("operator")
    device = inventory.device
    html = client.get(reverse("ui:device_detail", args=[device.pk])).content.decode()
    link = f"{reverse('ui:job_run_commands')}?device={device.pk}"
    assert link in html and "Back up now" in html
    form = client.get(link).content.decode()
    assert f'value="{device.pk}" selected' in form
    response = client.post(reverse("ui:device_backup", args=[device.pk]))
    job = Job.objects.get()
    assert response["Location"] == reverse("ui:job_detail", args=[job.pk])
    assert (job.kind, job.targets, job.status) == (
        "config.backup",
        {"devices": [device.pk]},
        JobStatus.QUEUED,
    )
    assert (
        client.post(reverse("ui:device_backup", args=[inventory.other_device.pk])).status_code
        == 404
    )


# --- cancel and re-run -----------------------------------------------------------------------


def test_operator_cancels_a_queued_job_after_confirmation(
    ui: Callable[[str], Client], world: World, inventory: Inventory
) -> None:
    queued = make_job(world.a, inventory.device, status=JobStatus.QUEUED)
    client = ui("operator")
    detail = client.get(reverse("ui:job_detail", args=[queued.pk])).content.decode()
    assert reverse("ui:job_cancel", args=[queued.pk]) in detail
    confirm = client.get(reverse("ui:job_cancel", args=[queued.pk]))
    assert confirm.status_code == 200 and b"Cancel job" in confirm.content
    response = client.post(reverse("ui:job_cancel", args=[queued.pk]))
    assert response["Location"] == reverse("ui:job_detail", args=[queued.pk])
    queued.refresh_from_db()
    assert queued.status == JobStatus.CANCELLED and queued.cancel_requested
    assert AuditEvent.objects.filter(action="cancel", object_type="jobs.job").count() == 1
    # Finished now: a second cancel is a message, not an error; no cancel button any more.
    response = client.post(reverse("ui:job_cancel", args=[queued.pk]), follow=True)
    assert b"Nothing to cancel" in response.content
    assert reverse("ui:job_cancel", args=[queued.pk]).encode() not in response.content


def test_rerun_and_rerun_failed_only(
    ui: Callable[[str], Client], world: World, inventory: Inventory
) -> None:
    second = factories.DeviceFactory(customer=world.a, hostname="alpha-core-2")
    partial = make_job(
        world.a,
        targets={"tags": ["core"], "devices": [second.pk]},
        device_ids=[inventory.device.pk, second.pk],
        status=JobStatus.PARTIAL,
        total=2,
        succeeded=1,
        failed=1,
    )
    add_result(partial, inventory.device)
    add_result(partial, second, "failed", error_code="auth_failed", error_message="bad password")
    client = ui("operator")
    html = client.get(reverse("ui:job_detail", args=[partial.pk])).content.decode()
    assert "Re-run failed only" in html and "auth_failed" in html
    client.post(reverse("ui:job_rerun", args=[partial.pk]))
    full = Job.objects.latest("pk")
    assert (full.rerun_of, full.targets, full.params) == (partial, partial.targets, partial.params)
    response = client.post(reverse("ui:job_rerun", args=[partial.pk]), {"failed_only": "1"})
    failed = Job.objects.latest("pk")
    assert response["Location"] == reverse("ui:job_detail", args=[failed.pk])
    assert failed.targets == {"devices": [second.pk]} and failed.status == JobStatus.QUEUED


def test_rerun_failed_only_without_failures_is_a_message(
    ui: Callable[[str], Client], job: Job
) -> None:
    client = ui("operator")
    html = client.get(reverse("ui:job_detail", args=[job.pk])).content.decode()
    assert "Re-run failed only" not in html
    response = client.post(
        reverse("ui:job_rerun", args=[job.pk]), {"failed_only": "1"}, follow=True
    )
    assert b"no device failed" in response.content
    assert Job.objects.count() == 1


def test_dashboard_lists_the_last_five_jobs(
    ui: Callable[[str], Client], world: World, inventory: Inventory
) -> None:
    jobs = [make_job(world.a, inventory.device) for _ in range(6)]
    make_job(world.b, inventory.other_device)
    response = ui("viewer").get(reverse("ui:dashboard"))
    assert [j.pk for j in response.context["recent_jobs"]] == [j.pk for j in reversed(jobs[1:])]
    assert 'id="recent-jobs"' in response.content.decode()


def test_sidebar_has_job_entries_by_role(ui: Callable[[str], Client], inventory: Inventory) -> None:
    viewer = ui("viewer").get(reverse("ui:dashboard")).content.decode()
    operator = ui("operator").get(reverse("ui:dashboard")).content.decode()
    for name in ("ui:job_list", "ui:schedule_list"):
        assert f'href="{reverse(name)}"' in viewer
    assert f'href="{reverse("ui:job_run_commands")}"' in operator
    assert f'href="{reverse("ui:job_run_commands")}"' not in viewer


def test_a_finished_job_lists_devices_that_never_ran_and_counts_agree(
    ui: Callable[[str], Client], world: World
) -> None:
    done, never = (factories.DeviceFactory(customer=world.a, hostname=h) for h in ("d1", "d2"))
    job = Job.objects.create(
        customer=world.a,
        kind="commands.run",
        status=JobStatus.CANCELLED,
        targets={"devices": [done.pk, never.pk]},
        device_ids=[done.pk, never.pk],
        params={"commands": ["show clock"]},
        total=2,
        finished_at=timezone.now(),
    )
    JobDeviceResult.objects.create(
        customer=world.a, job=job, device=done, hostname="d1", status="success"
    )
    page = ui("viewer").get(reverse("ui:job_detail", args=[job.pk]))
    html = page.content.decode()
    assert 'data-device-row="d1" data-state="success"' in html
    assert 'data-device-row="d2" data-state="not run"' in html
    assert page.context["progress"] == {"success": 1, "not run": 1}
