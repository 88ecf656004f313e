"""CSV import: upload → dry-run report → commit, admin only."""

from collections.abc import Callable

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from webnet.core.models import AuditEvent
from webnet.devices.models import Device, Tag
from webnet.tests.conftest import World

GOOD = (
    b"hostname,management_host,platform,site,tags\n"
    b"imp-1,198.51.100.1,cisco_ios,ams1,edge;new\n"
    b"imp-2,198.51.100.2,arista_eos,ams1,\n"
)
BAD = b"hostname,management_host,platform\nimp-3,198.51.100.3,bogus\n"


def _upload(client: Client, content: bytes) -> object:
    return client.post(
        reverse("ui:import_upload"),
        {"file": SimpleUploadedFile("devices.csv", content, "text/csv")},
    )


def test_dry_run_reports_then_commit_creates_devices(
    ui: Callable[[str], Client], world: World
) -> None:
    client = ui("admin")
    report = _upload(client, GOOD)
    assert report.status_code == 200
    html = report.content.decode()
    assert "imp-1" in html and "new" in html and "badge-yellow" in html
    assert not Device.objects.filter(hostname="imp-1").exists()
    committed = client.post(reverse("ui:import_commit"), {"digest": report.context["digest"]})
    assert committed.status_code == 200
    assert committed.context["committed"] is True
    assert set(Device.objects.for_customer(world.a.pk).values_list("hostname", flat=True)) == {
        "imp-1",
        "imp-2",
    }
    assert Tag.objects.for_customer(world.a.pk).filter(name="new").exists()
    assert AuditEvent.objects.filter(action="create", object_type="devices.device").count() == 2


def test_errors_are_reported_per_row_and_no_commit_is_offered(
    ui: Callable[[str], Client], world: World
) -> None:
    client = ui("admin")
    report = _upload(client, BAD)
    assert report.status_code == 400
    html = report.content.decode()
    assert "platform: unknown" in html
    assert reverse("ui:import_commit") not in html
    response = client.post(reverse("ui:import_commit"), {"digest": "whatever"})
    assert response.status_code == 302
    assert not Device.objects.filter(hostname="imp-3").exists()


def test_commit_needs_the_digest_of_the_checked_file(
    ui: Callable[[str], Client], world: World
) -> None:
    client = ui("admin")
    _upload(client, GOOD)
    response = client.post(reverse("ui:import_commit"), {"digest": "0" * 64})
    assert response.status_code == 302
    assert not Device.objects.filter(hostname="imp-1").exists()


def test_operators_and_viewers_cannot_import(ui: Callable[[str], Client], world: World) -> None:
    for role in ("viewer", "operator"):
        client = ui(role)
        assert client.get(reverse("ui:import_upload")).status_code == 403
        assert _upload(client, GOOD).status_code == 403
        assert client.post(reverse("ui:import_commit"), {"digest": "x"}).status_code == 403
    assert not Device.objects.exists()


def test_an_upload_may_update_existing_devices(ui: Callable[[str], Client], world: World) -> None:
    client = ui("admin")
    _upload(client, GOOD)
    client.post(
        reverse("ui:import_commit"), {"digest": client.session["ui_device_import"]["digest"]}
    )
    edited = GOOD.replace(b"ams1", b"fra1")
    refused = _upload(client, edited)
    assert refused.status_code == 400 and "already exists" in refused.content.decode()
    report = client.post(
        reverse("ui:import_upload"),
        {"file": SimpleUploadedFile("d.csv", edited, "text/csv"), "on_existing": "update"},
    )
    assert report.status_code == 200 and "will update" in report.content.decode()
    done = client.post(reverse("ui:import_commit"), {"digest": report.context["digest"]})
    assert "updated" in done.content.decode()
    sites = set(Device.objects.for_customer(world.a.pk).values_list("site__name", flat=True))
    assert sites == {"fra1"}
