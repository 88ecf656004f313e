"""Schedule pages: CRUD through the audited services, inline validation, roles and tenancy."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from webnet.core.models import AuditEvent
from webnet.jobs import services
from webnet.jobs.models import Job, JobStatus, Schedule
from webnet.tests.conftest import World
from webnet.tests.ui.conftest import Inventory


def make_schedule(world: World, customer: Any = None, **data: Any) -> Schedule:
    values: dict[str, Any] = {
        "customer": customer or world.a,
        "name": "nightly-backup",
        "kind": "config.backup",
        "targets": {"all": True},
        "params": {},
        "cron": "0 2 * * *",
    }
    values.update(data)
    return services.create_schedule(world.operator, values)


def _audits(action: str) -> int:
    return AuditEvent.objects.filter(action=action, object_type="jobs.schedule").count()


def test_operator_creates_a_run_commands_schedule(
    ui: Callable[[str], Client], world: World, inventory: Inventory
) -> None:
    response = ui("operator").post(
        reverse("ui:schedule_create"),
        {
            "name": "hourly-version",
            "kind": "commands.run",
            "cron": "0  * * * *",
            "enabled": "on",
            "tags": ["core"],
            "commands": "show version",
            "parse": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    schedule = Schedule.objects.get()
    assert (schedule.customer, schedule.owner) == (world.a, world.operator)
    assert schedule.cron == "0 * * * *"
    assert schedule.targets == {"tags": ["core"]}
    assert schedule.params == {"commands": ["show version"], "parse": True}
    assert schedule.next_run_at is not None
    assert _audits("create") == 1


def test_edit_prefills_and_saves_through_the_service(
    ui: Callable[[str], Client], world: World, inventory: Inventory
) -> None:
    schedule = make_schedule(
        world,
        kind="commands.run",
        targets={"devices": [inventory.device.pk], "filter": {"site": "ams1"}},
        params={"commands": ["show clock", "show version"], "parse": False, "concurrency": 4},
    )
    client = ui("operator")
    html = client.get(reverse("ui:schedule_edit", args=[schedule.pk])).content.decode()
    assert "show clock\nshow version</textarea>" in html
    assert f'value="{inventory.device.pk}" selected' in html
    assert 'value="4"' in html
    response = client.post(
        reverse("ui:schedule_edit", args=[schedule.pk]),
        {
            "name": "nightly-backup",
            "kind": "config.backup",
            "cron": "30 3 * * 1-5",
            "groups": [inventory.group.pk],
        },
    )
    assert response.status_code == 302
    schedule.refresh_from_db()
    assert schedule.kind == "config.backup" and schedule.params == {}
    assert schedule.targets == {"groups": [inventory.group.pk], "filter": {"site": "ams1"}}
    assert not schedule.enabled and schedule.next_run_at is None
    assert _audits("update") == 1


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"cron": "every night"}, "cron", "not a valid cron"),
        ({"cron": "61 * * * *"}, "cron", "not a valid cron"),
        ({"all_devices": ""}, "devices", "Choose devices"),
        ({"kind": "commands.run", "commands": ""}, "commands", "at least one"),
        ({"params_json": "{not json"}, "params_json", "valid JSON"),
        ({"kind": "config.deploy"}, "kind", "valid choice"),
        ({"name": "taken"}, "name", "already exists"),
    ],
)
def test_bad_schedule_input_shows_inline_errors(
    data: dict[str, Any], field: str, message: str, ui: Callable[[str], Client], world: World
) -> None:
    make_schedule(world, name="taken")
    form = {
        "name": "new",
        "kind": "devices.collect_facts",
        "cron": "0 2 * * *",
        "all_devices": "on",
        **data,
    }
    response = ui("operator").post(reverse("ui:schedule_create"), form)
    assert response.status_code == 400
    errors = " ".join(response.context["form"].errors.get(field, []))
    assert message in errors, response.context["form"].errors
    assert '<p class="field-error w-full">' in response.content.decode()
    assert Schedule.objects.count() == 1


def test_list_shows_next_and_last_run_with_a_link_to_the_last_job(
    ui: Callable[[str], Client], world: World
) -> None:
    schedule = make_schedule(world)
    job = Job.objects.create(customer=world.a, kind="config.backup", status=JobStatus.FAILED)
    Schedule.objects.filter(pk=schedule.pk).update(last_job=job, last_run_at=job.created_at)
    make_schedule(world, customer=world.b, name="bravo-secret-schedule")
    html = ui("viewer").get(reverse("ui:schedule_list")).content.decode()
    assert "nightly-backup" in html and "0 2 * * *" in html
    assert reverse("ui:job_detail", args=[job.pk]) in html
    assert 'data-status="failed"' in html
    assert f"{reverse('ui:job_list')}?schedule={schedule.pk}" in html
    assert "bravo-secret-schedule" not in html
    assert reverse("ui:schedule_edit", args=[schedule.pk]) not in html  # viewer: no edit link


def test_delete_after_confirmation_is_audited(ui: Callable[[str], Client], world: World) -> None:
    schedule = make_schedule(world)
    client = ui("operator")
    confirm = client.get(reverse("ui:schedule_delete", args=[schedule.pk]))
    assert confirm.status_code == 200 and b"nightly-backup" in confirm.content
    response = client.post(reverse("ui:schedule_delete", args=[schedule.pk]))
    assert response["Location"] == reverse("ui:schedule_list")
    assert not Schedule.objects.exists()
    assert _audits("delete") == 1


def test_viewer_reads_but_every_write_is_403(ui: Callable[[str], Client], world: World) -> None:
    schedule = make_schedule(world)
    client = ui("viewer")
    assert client.get(reverse("ui:schedule_list")).status_code == 200
    data = {"name": "x", "kind": "devices.collect_facts", "cron": "0 2 * * *", "all_devices": "on"}
    writes = [
        ("get", reverse("ui:schedule_create")),
        ("post", reverse("ui:schedule_create")),
        ("get", reverse("ui:schedule_edit", args=[schedule.pk])),
        ("post", reverse("ui:schedule_edit", args=[schedule.pk])),
        ("get", reverse("ui:schedule_delete", args=[schedule.pk])),
        ("post", reverse("ui:schedule_delete", args=[schedule.pk])),
    ]
    for method, url in writes:
        assert getattr(client, method)(url, data).status_code == 403, (method, url)
    assert Schedule.objects.count() == 1
    assert _audits("update") == _audits("delete") == 0


def test_other_customers_schedule_is_404(ui: Callable[[str], Client], world: World) -> None:
    schedule = make_schedule(world, customer=world.b, name="bravo-nightly")
    client = ui("admin")
    for name in ("ui:schedule_edit", "ui:schedule_delete"):
        assert client.get(reverse(name, args=[schedule.pk])).status_code == 404
        assert client.post(reverse(name, args=[schedule.pk])).status_code == 404
    assert Schedule.objects.filter(pk=schedule.pk).exists()


def test_kind_switch_rerenders_the_schedule_form_keeping_input(
    ui: Callable[[str], Client], world: World
) -> None:
    url = reverse("ui:schedule_create") + "?kind=commands.run&name=typed&cron=5+4+*+*+*"
    html = ui("operator").get(url).content.decode()
    assert 'name="commands"' in html and 'value="typed"' in html and 'value="5 4 * * *"' in html
    assert 'hx-select="#schedule-form"' in html
