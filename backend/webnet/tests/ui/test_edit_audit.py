"""An edit made on a page is audited with what it changed: the form's validation must not write
the new values onto the object the audited update compares against."""

from collections.abc import Callable

from django.test import Client
from django.urls import reverse

from webnet.core.models import AuditEvent
from webnet.tests import factories
from webnet.tests.conftest import World


def test_a_tag_renamed_on_its_page_is_audited_old_and_new(
    ui: Callable[[str], Client], world: World
) -> None:
    tag = factories.TagFactory(customer=world.a, name="core", color="#112233")
    response = ui("admin").post(
        reverse("ui:tag_edit", args=[tag.pk]),
        {"name": "backbone", "color": "#112233", "description": "the P routers"},
    )
    assert response.status_code == 302, response.content.decode()[:500]
    event = AuditEvent.objects.filter(action="update", object_id=str(tag.pk)).latest("id")
    assert event.changes["name"] == ["core", "backbone"]
    assert event.changes["description"] == ["", "the P routers"]
    assert "color" not in event.changes


def test_a_device_edited_on_its_page_is_audited_old_and_new(
    ui: Callable[[str], Client], world: World
) -> None:
    credential = factories.CredentialFactory(customer=world.a)
    device = factories.DeviceFactory(customer=world.a, credential=credential, hostname="r1")
    form = ui("admin").get(reverse("ui:device_edit", args=[device.pk])).context["form"]
    data = {
        name: getattr(value, "pk", value)
        for name, value in form.initial.items()
        if value is not None and not isinstance(value, list)
    }
    data.update(hostname="r1-renamed", credential=credential.pk)
    response = ui("admin").post(reverse("ui:device_edit", args=[device.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    event = AuditEvent.objects.filter(action="update", object_id=str(device.pk)).latest("id")
    assert event.changes["hostname"] == ["r1", "r1-renamed"]
