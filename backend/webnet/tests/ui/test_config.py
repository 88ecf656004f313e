"""Configuration pages: history, masked snapshot, diff island, drift page, templates, 404s."""

import json

from django.urls import reverse

from webnet.config_mgmt.models import ConfigTemplate, TemplateVariables
from webnet.tests import factories as f

SECRET = "$9$abcdef"


def _history(world):  # type: ignore[no-untyped-def]
    device = f.DeviceFactory(customer=world.a, hostname="edge-1")
    old = f.ConfigSnapshotFactory(device=device)
    new = f.ConfigSnapshotFactory(
        device=device, change_kind="out_of_band", text=old.text.replace("uplink", "core")
    )
    return device, old, new


def test_device_config_history_and_diff(world, ui) -> None:
    device, old, new = _history(world)
    page = ui("viewer").get(f"/devices/{device.pk}/config/")
    assert page.status_code == 200 and b"out of band" in page.content
    diff = ui("viewer").get("/config/diff/", {"a": old.pk, "b": new.pk})
    assert diff.status_code == 200 and b'data-island="ConfigDiff"' in diff.content
    assert b"interface Gi0/1" in diff.content and SECRET.encode() not in diff.content
    assert "description core" in json.dumps(diff.context["diff"])


def test_snapshot_page_masks_for_viewer_not_admin(world, ui) -> None:
    _, old, _ = _history(world)
    assert SECRET.encode() not in ui("viewer").get(f"/config/snapshots/{old.pk}/").content
    assert SECRET.encode() in ui("admin").get(f"/config/snapshots/{old.pk}/").content


def test_other_customers_pages_are_404(world, ui) -> None:
    device, old, new = _history(world)
    outsider = ui("outsider")
    assert outsider.get(f"/devices/{device.pk}/config/").status_code == 404
    assert outsider.get(f"/config/snapshots/{old.pk}/").status_code == 404
    assert outsider.get("/config/diff/", {"a": old.pk, "b": new.pk}).status_code == 404
    template = f.ConfigTemplateFactory(customer=world.a)
    assert outsider.get(f"/config/templates/{template.pk}/").status_code == 404


def test_changes_page_lists_drift(world, ui) -> None:
    _history(world)
    page = ui("viewer").get("/config/changes/", {"days": 30})
    assert page.status_code == 200 and b"edge-1" in page.content and b"Diff" in page.content


def test_template_create_and_preview(world, ui) -> None:
    device = f.DeviceFactory(customer=world.a, hostname="edge-2")
    assert (
        ui("viewer").post("/config/templates/new/", {"name": "x", "body": "x"}).status_code == 403
    )
    response = ui("operator").post(
        "/config/templates/new/",
        {"name": "base", "body": "hostname {{ device.hostname }}\n", "variables": "[]"},
    )
    assert response.status_code == 302, response.content
    template = ConfigTemplate.objects.get(name="base")
    preview = ui("viewer").get(f"/config/templates/{template.pk}/", {"device": device.pk})
    assert b"hostname edge-2" in preview.content
    bad = f.ConfigTemplateFactory(customer=world.a, body="{{ ''.__class__.__mro__ }}")
    shown = ui("viewer").get(f"/config/templates/{bad.pk}/", {"device": device.pk})
    assert shown.status_code == 200 and b"alert-error" in shown.content
    broken = ui("operator").post("/config/templates/new/", {"name": "b", "body": "{% if %}"})
    assert broken.status_code == 400 and b"syntax error" in broken.content


def test_variable_pages_are_gated_and_scoped(ui, world) -> None:  # type: ignore[no-untyped-def]
    f.ConfigTemplateFactory(
        customer=world.a, body="{{ ntp }}", variables=[{"name": "ntp", "type": "ip"}]
    )
    group = f.DeviceGroupFactory(customer=world.a, name="edges")
    theirs = f.DeviceFactory(customer=world.b)
    viewer = ui("viewer")
    page = viewer.get(reverse("ui:variables"))
    assert page.status_code == 200 and b'id="var-ntp"' in page.content
    assert b"Save variables" not in page.content
    assert viewer.post(reverse("ui:variables"), {"ntp": "192.0.2.1"}).status_code == 403
    assert ui("admin").get(reverse("ui:device_variables", args=[theirs.pk])).status_code == 404
    url = reverse("ui:group_variables", args=[group.pk])
    saved = ui("operator").post(url, {"ntp": "192.0.2.7"})
    assert saved.status_code == 302
    assert TemplateVariables.objects.get(group=group).values == {"ntp": "192.0.2.7"}
    ui("operator").post(url, {"ntp": ""})
    assert TemplateVariables.objects.get(group=group).values == {}  # blank: inherit again


def test_preview_of_a_runaway_template_shows_a_readable_error(world, ui) -> None:
    device = f.DeviceFactory(customer=world.a)
    bomb = f.ConfigTemplateFactory(customer=world.a, body="{{ ((9**999)**999)**4 }}")
    shown = ui("viewer").get(f"/config/templates/{bomb.pk}/", {"device": device.pk})
    assert shown.status_code == 200 and b"number too large" in shown.content


def test_unicode_digits_and_foreign_device_snapshots_never_500(world, ui) -> None:
    device, other = (f.DeviceFactory(customer=world.a) for _ in range(2))
    mine, theirs = f.ConfigSnapshotFactory(device=device), f.ConfigSnapshotFactory(device=other)
    template = f.ConfigTemplateFactory(customer=world.a)
    client = ui("viewer")
    assert client.get("/config/changes/", {"days": "²"}).status_code == 200
    assert client.get("/config/diff/", {"a": "²", "b": mine.pk}).status_code == 404
    assert client.get("/config/diff/", {"a": str(2**64), "b": mine.pk}).status_code == 404
    assert client.get(f"/config/templates/{template.pk}/", {"device": "²"}).status_code == 200
    mixed = client.get("/config/diff/", {"a": mine.pk, "b": theirs.pk}, follow=True)
    assert mixed.status_code == 200 and b"same device" in mixed.content
