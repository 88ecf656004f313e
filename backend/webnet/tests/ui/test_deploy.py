"""Deploy wizard pages: new change → plan → confirm by the shown hash → commit → results.

Most tests stay at the database: under the `db` fixture `on_commit` never fires, so a preview or
commit job stays queued and the plan rows are written by hand where a finished preview is needed.
One test walks the whole wizard through the Django test client against the lab over SSH.
"""

import re
from collections.abc import Callable
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from webnet.config_mgmt.plans import ChangePlan, PlanDevice, PlanDeviceStatus, PlanStatus
from webnet.core.models import AuditEvent
from webnet.jobs import executors
from webnet.jobs.models import Job, JobStatus
from webnet.jobs.runner import run_job
from webnet.tests import factories
from webnet.tests.conftest import World
from webnet.tests.ui.conftest import Inventory

HASH_FIELD = re.compile(r'name="content_hash" value="([0-9a-f]{64})"')
DIFF = "--- running\n+++ intended\n@@ -1 +1,2 @@\n hostname r1\n+snmp-server location x\n"


def previewed_plan(customer: Any, device: Any, user: Any = None, **fields: Any) -> ChangePlan:
    """A plan whose preview job finished with one device ready to change."""
    job = Job.objects.create(
        customer=customer,
        kind="config.preview",
        status=JobStatus.SUCCESS,
        targets={"devices": [device.pk]},
        device_ids=[device.pk],
        total=1,
        succeeded=1,
    )
    plan = ChangePlan.objects.create(
        customer=customer, created_by=user, preview_job=job, **{"name": "location", **fields}
    )
    PlanDevice.objects.create(
        customer=customer,
        plan=plan,
        device=device,
        intent={"lines": ["snmp-server location x"]},
        commands=["snmp-server location x"],
        diff=DIFF,
        pre_hash="a" * 64,
        status=PlanDeviceStatus.READY,
    )
    return plan


def finished_deploy(plan: ChangePlan) -> Job:
    """The plan pushed by a deploy job that failed on its device (plan done, device failed)."""
    row = PlanDevice.objects.get(plan=plan)
    job = Job.objects.create(
        customer=plan.customer,
        kind="config.deploy",
        status=JobStatus.FAILED,
        targets={"devices": [row.device_id]},
        device_ids=[row.device_id],
        params={"plan": plan.pk, "order": [row.device_id], "canary": 0},
        total=1,
        failed=1,
    )
    ChangePlan.objects.filter(pk=plan.pk).update(status=PlanStatus.DONE, commit_job=job)
    PlanDevice.objects.filter(plan=plan).update(status=PlanDeviceStatus.FAILED)
    return job


def assert_replanned(old: ChangePlan, new_plan_id: int) -> None:
    """A new plan of the same intent, previewing; the old plan's record untouched; no push."""
    new = ChangePlan.objects.get(pk=new_plan_id)
    old_row, new_row = PlanDevice.objects.get(plan=old), PlanDevice.objects.get(plan=new)
    assert new.pk != old.pk and new.status == PlanStatus.PREVIEWING
    assert new.preview_job.kind == "config.preview" and new.source == old.source
    assert (new_row.device_id, new_row.intent) == (old_row.device_id, old_row.intent)
    old.refresh_from_db()
    assert old.status == PlanStatus.DONE and old_row.status == PlanDeviceStatus.FAILED
    assert Job.objects.filter(kind="config.deploy").count() == 1


@pytest.fixture
def plan(world: World, inventory: Inventory) -> ChangePlan:
    return previewed_plan(world.a, inventory.device, world.operator)


@pytest.fixture
def other_plan(world: World, inventory: Inventory) -> ChangePlan:
    return previewed_plan(world.b, inventory.other_device)


def shown_hash(client: Client, plan: ChangePlan) -> str:
    match = HASH_FIELD.search(client.get(reverse("ui:plan_detail", args=[plan.pk])).text)
    assert match, "the confirm form carries the hash"
    return match.group(1)


# --- pages per role -----------------------------------------------------------------------


@pytest.mark.parametrize("role", ["viewer", "operator", "admin"])
def test_given_any_role_when_opening_deploy_pages_then_they_render(
    role: str, ui: Callable[[str], Client], plan: ChangePlan, inventory: Inventory
) -> None:
    client = ui(role)
    for url in (
        reverse("ui:plan_list"),
        reverse("ui:plan_detail", args=[plan.pk]),
        reverse("ui:plan_body", args=[plan.pk]),
        reverse("ui:device_rollback", args=[inventory.device.pk]),
        reverse("ui:device_detail", args=[inventory.device.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
    page = client.get(reverse("ui:plan_detail", args=[plan.pk])).text
    assert "snmp-server location x" in page and "bg-emerald-50" in page  # the coloured diff
    new = client.get(reverse("ui:plan_create"))
    assert new.status_code == (403 if role == "viewer" else 200)


def test_given_a_viewer_when_looking_at_a_plan_then_no_buttons_and_posts_are_403(
    ui: Callable[[str], Client], plan: ChangePlan, inventory: Inventory
) -> None:
    client = ui("viewer")
    page = client.get(reverse("ui:plan_detail", args=[plan.pk])).text
    assert "content_hash" not in page and "Confirm this plan" not in page
    digest = shown_hash(ui("operator"), plan)
    posts = [
        (reverse("ui:plan_confirm", args=[plan.pk]), {"content_hash": digest}),
        (reverse("ui:plan_commit", args=[plan.pk]), {}),
        (reverse("ui:plan_schedule", args=[plan.pk]), {}),
        (reverse("ui:plan_cancel_schedule", args=[plan.pk]), {}),
        (reverse("ui:plan_create"), {"mode": "lines", "lines": "x", "all_devices": "on"}),
        (reverse("ui:device_rollback", args=[inventory.device.pk]), {"snapshot": "1"}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PREVIEWING and ChangePlan.objects.count() == 1


def test_given_another_customers_plan_when_opened_or_posted_then_404(
    ui: Callable[[str], Client], other_plan: ChangePlan, inventory: Inventory
) -> None:
    client = ui("admin")
    for url in ("ui:plan_detail", "ui:plan_body"):
        assert client.get(reverse(url, args=[other_plan.pk])).status_code == 404
    for url in ("ui:plan_confirm", "ui:plan_commit", "ui:plan_schedule", "ui:plan_cancel_schedule"):
        assert client.post(reverse(url, args=[other_plan.pk]), {}).status_code == 404
    rollback = reverse("ui:device_rollback", args=[inventory.other_device.pk])
    assert client.get(rollback).status_code == 404
    assert client.post(rollback, {"snapshot": "1"}).status_code == 404
    # (the plan is named "location": its link, not the word, which the nav's Locations has)
    assert (
        reverse("ui:plan_detail", args=[other_plan.pk])
        not in client.get(reverse("ui:plan_list")).text
    )


# --- new change ---------------------------------------------------------------------------


def test_given_lines_and_a_device_when_previewing_then_a_plan_and_its_job_exist(
    ui: Callable[[str], Client], world: World, inventory: Inventory
) -> None:
    response = ui("operator").post(
        reverse("ui:plan_create"),
        {
            "devices": [inventory.device.pk],
            "mode": "lines",
            "lines": "snmp-server location ams1\n\n",
            "name": "move ams1",
            "canary": "0",
        },
    )
    assert response.status_code == 302
    plan = ChangePlan.objects.get()
    assert response["Location"] == reverse("ui:plan_detail", args=[plan.pk])
    assert (plan.name, plan.source, plan.created_by) == ("move ams1", "lines", world.operator)
    row = PlanDevice.objects.get(plan=plan)
    assert row.device == inventory.device and row.intent == {"lines": ["snmp-server location ams1"]}
    assert plan.preview_job.kind == "config.preview" and plan.preview_job.status == "queued"
    assert AuditEvent.objects.filter(action="preview", object_id=str(plan.pk)).count() == 1
    page = ui("operator").get(response["Location"]).text
    assert 'data-poll="plan"' in page and 'hx-trigger="every 2s"' in page
    assert reverse("ui:job_detail", args=[plan.preview_job.pk]) in page
    assert "content_hash" not in page  # nothing to confirm while the preview runs


def test_given_bad_inputs_when_previewing_then_errors_show_inline(
    ui: Callable[[str], Client], world: World, inventory: Inventory
) -> None:
    client = ui("operator")
    url = reverse("ui:plan_create")
    no_targets = client.post(url, {"mode": "lines", "lines": "snmp-server location x"})
    assert no_targets.status_code == 400 and "Choose devices, tags or groups" in no_targets.text
    no_lines = client.post(url, {"mode": "lines", "lines": "  ", "all_devices": "on"})
    assert no_lines.status_code == 400 and "at least one configuration line" in no_lines.text
    broken = factories.ConfigTemplateFactory(customer=world.a, body="hostname {{ missing }}\n")
    data = {"mode": "template", "template": broken.pk, "all_devices": "on"}
    render_error = client.post(url, data)
    assert render_error.status_code == 400 and "alpha-core-1:" in render_error.text
    foreign = factories.ConfigTemplateFactory(customer=world.b)
    other = client.post(url, {"mode": "template", "template": foreign.pk, "all_devices": "on"})
    assert other.status_code == 400 and "Select a valid choice" in other.text
    assert not ChangePlan.objects.exists()


def test_given_a_good_template_when_previewing_then_the_plan_carries_rendered_lines(
    ui: Callable[[str], Client], world: World, inventory: Inventory
) -> None:
    template = factories.ConfigTemplateFactory(
        customer=world.a, name="loc", body="snmp-server location {{ device.site }}\n"
    )
    response = ui("operator").post(
        reverse("ui:plan_create"),
        {"mode": "template", "template": template.pk, "devices": [inventory.device.pk]},
    )
    assert response.status_code == 302
    row = PlanDevice.objects.get()
    assert row.plan.source == "template" and row.intent == {"lines": ["snmp-server location ams1"]}


# --- confirm and commit -------------------------------------------------------------------


def test_given_a_wrong_or_stale_hash_when_confirming_then_an_error_and_no_confirmation(
    ui: Callable[[str], Client], plan: ChangePlan
) -> None:
    client = ui("operator")
    url = reverse("ui:plan_confirm", args=[plan.pk])
    wrong = client.post(url, {"content_hash": "0" * 64})
    assert wrong.status_code == 400 and "changed since you looked" in wrong.text
    digest = shown_hash(client, plan)
    PlanDevice.objects.filter(plan=plan).update(commands=["snmp-server location tampered"])
    stale = client.post(url, {"content_hash": digest})
    assert stale.status_code == 400 and "data-step-error" in stale.text
    assert "tampered" in stale.text and HASH_FIELD.search(stale.text).group(1) != digest
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PREVIEWING and not plan.confirmed_hash


def test_given_the_shown_hash_when_confirming_and_committing_then_the_deploy_job_starts(
    ui: Callable[[str], Client], world: World, plan: ChangePlan
) -> None:
    client = ui("operator")
    digest = shown_hash(client, plan)
    confirmed = client.post(reverse("ui:plan_confirm", args=[plan.pk]), {"content_hash": digest})
    assert confirmed.status_code == 302
    plan.refresh_from_db()
    assert (plan.status, plan.confirmed_hash, plan.confirmed_by) == (
        "confirmed",
        digest,
        world.operator,
    )
    page = client.get(reverse("ui:plan_detail", args=[plan.pk])).text
    assert reverse("ui:plan_commit", args=[plan.pk]) in page and "content_hash" not in page
    committed = client.post(reverse("ui:plan_commit", args=[plan.pk]))
    assert committed.status_code == 302
    plan.refresh_from_db()
    assert plan.status == "committing" and plan.commit_job.kind == "config.deploy"
    page = client.get(reverse("ui:plan_detail", args=[plan.pk])).text
    assert 'data-poll="plan"' in page
    assert reverse("ui:job_detail", args=[plan.commit_job_id]) in page
    again = client.post(reverse("ui:plan_commit", args=[plan.pk]), follow=True)
    assert "Not committed" in again.text and Job.objects.filter(kind="config.deploy").count() == 1


def test_given_a_finished_commit_when_viewing_then_per_device_results_show(
    ui: Callable[[str], Client], plan: ChangePlan
) -> None:
    job = Job.objects.create(customer=plan.customer, kind="config.deploy", status="failed")
    ChangePlan.objects.filter(pk=plan.pk).update(status=PlanStatus.DONE, commit_job=job)
    PlanDevice.objects.filter(plan=plan).update(
        status=PlanDeviceStatus.ROLLED_BACK, message="rejected: bogus"
    )
    page = ui("viewer").get(reverse("ui:plan_detail", args=[plan.pk])).text
    assert 'data-row-status="rolled_back"' in page and "rejected: bogus" in page
    assert "data-poll" not in page and reverse("ui:job_detail", args=[job.pk]) in page


def test_given_a_failed_rollback_when_viewing_then_the_row_says_the_device_needs_attention(
    ui: Callable[[str], Client], plan: ChangePlan
) -> None:
    finished_deploy(plan)
    PlanDevice.objects.filter(plan=plan).update(status=PlanDeviceStatus.ROLLBACK_FAILED)
    page = ui("viewer").get(reverse("ui:plan_detail", args=[plan.pk])).text
    assert 'data-row-status="rollback_failed"' in page
    assert "Rollback failed, device needs attention" in page


# --- list and rollback --------------------------------------------------------------------


def test_given_plans_when_filtering_the_list_then_only_matching_ones_show(
    ui: Callable[[str], Client], world: World, inventory: Inventory
) -> None:
    previewed_plan(world.a, inventory.device, name="first-plan")
    previewed_plan(world.a, inventory.device, name="done-plan", status=PlanStatus.DONE)
    client = ui("viewer")
    done = client.get(reverse("ui:plan_list"), {"status": "done"}).text
    assert "done-plan" in done and "first-plan" not in done
    rollbacks = client.get(reverse("ui:plan_list"), {"source": "rollback"}).text
    assert "No change plans match" in rollbacks


def test_given_more_plans_when_listing_then_the_query_count_stays_the_same(
    ui: Callable[[str], Client], world: World, inventory: Inventory
) -> None:
    client = ui("viewer")
    previewed_plan(world.a, inventory.device)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("ui:plan_list"))
    for _ in range(4):
        previewed_plan(world.a, inventory.device)
    with CaptureQueriesContext(connection) as five:
        client.get(reverse("ui:plan_list"))
    assert len(five) == len(one)


def test_given_a_snapshot_when_rolling_back_then_a_rollback_plan_is_previewed(
    ui: Callable[[str], Client], world: World, inventory: Inventory
) -> None:
    snapshot = factories.ConfigSnapshotFactory(device=inventory.device)
    other_device = factories.DeviceFactory(customer=world.a, hostname="alpha-edge-2")
    foreign = factories.ConfigSnapshotFactory(device=other_device)
    client = ui("operator")
    url = reverse("ui:device_rollback", args=[inventory.device.pk])
    page = client.get(url).text
    assert "Roll back to this snapshot" in page and f"#{snapshot.pk}" in page
    assert client.post(url, {"snapshot": str(foreign.pk)}).status_code == 404
    assert client.post(url, {"snapshot": "nope"}).status_code == 404
    response = client.post(url, {"snapshot": str(snapshot.pk)})
    plan = ChangePlan.objects.get()
    assert response["Location"] == reverse("ui:plan_detail", args=[plan.pk])
    assert plan.source == "rollback" and PlanDevice.objects.get().intent == {
        "config": snapshot.text
    }
    assert "Roll back to this snapshot" not in ui("viewer").get(url).text


# --- end to end against the lab -----------------------------------------------------------


@pytest.fixture
def submitted(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Jobs are run by the test itself, in order, on its own loop."""
    jobs: list[int] = []
    monkeypatch.setattr(executors, "submit", jobs.append)
    return jobs


async def _run_submitted(submitted: list[int]) -> None:
    while submitted:
        await run_job(submitted.pop(0))


async def test_the_wizard_previews_confirms_and_commits_on_a_lab_device(
    start_lab: Callable[..., Any], submitted: list[int]
) -> None:
    world = await start_lab(platforms=["cisco_ios"], count=1)
    client = Client()
    await sync_to_async(client.force_login)(world.operator)
    device = world.devices["R1"]
    response = await sync_to_async(client.post)(
        reverse("ui:plan_create"),
        {"devices": [device.pk], "mode": "lines", "lines": "snmp-server location wizard"},
    )
    assert response.status_code == 302, response.content
    await _run_submitted(submitted)
    page = (await sync_to_async(client.get)(response["Location"])).text
    assert "+snmp-server location wizard" in page and "data-poll" not in page
    digest = HASH_FIELD.search(page).group(1)
    plan_id = int(response["Location"].rstrip("/").rsplit("/", 1)[1])
    confirm = await sync_to_async(client.post)(
        reverse("ui:plan_confirm", args=[plan_id]), {"content_hash": digest}
    )
    assert confirm.status_code == 302
    commit = await sync_to_async(client.post)(reverse("ui:plan_commit", args=[plan_id]))
    assert commit.status_code == 302
    await _run_submitted(submitted)
    page = (await sync_to_async(client.get)(reverse("ui:plan_detail", args=[plan_id]))).text
    assert 'data-row-status="deployed"' in page and 'data-plan-status="done"' in page
    assert "snmp-server location wizard" in await world.running("R1")


def test_given_a_finished_deploy_when_re_running_then_a_new_preview_of_the_same_change(
    ui: Callable[[str], Client], plan: ChangePlan
) -> None:
    job = finished_deploy(plan)
    response = ui("operator").post(reverse("ui:job_rerun", args=[job.pk]))
    assert response.status_code == 302
    new_id = ChangePlan.objects.exclude(pk=plan.pk).get().pk
    assert response["Location"] == reverse("ui:plan_detail", args=[new_id])
    assert_replanned(plan, new_id)


def test_given_a_snapshot_id_that_is_not_a_number_when_rolling_back_then_404(
    ui: Callable[[str], Client], inventory: Inventory
) -> None:
    rollback = reverse("ui:device_rollback", args=[inventory.device.pk])
    for value in ("²", str(2**64)):
        assert ui("operator").post(rollback, {"snapshot": value}).status_code == 404
