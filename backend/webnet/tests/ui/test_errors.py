"""Error pages are our templates, without tracebacks or debug detail."""

import re
from collections.abc import Callable

from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from webnet.tests import factories
from webnet.tests.conftest import World


def test_404_page(ui: Callable[[str], Client], world: World) -> None:
    response = ui("admin").get("/devices/999999/")
    assert response.status_code == 404
    assert b"404" in response.content and b"Traceback" not in response.content
    assert "404.html" in [t.name for t in response.templates]


def test_403_page(ui: Callable[[str], Client], world: World) -> None:
    response = ui("viewer").get(reverse("ui:credential_create"))
    assert response.status_code == 403
    assert "403.html" in [t.name for t in response.templates]
    assert b"does not allow" in response.content


def test_500_page_renders_without_context() -> None:
    html = render_to_string("500.html")
    assert "500" in html and "Traceback" not in html


def test_404_has_the_sidebar_and_offers_staff_the_owning_customer(
    ui: Callable[[str], Client], world: World
) -> None:
    device = factories.DeviceFactory(customer=world.b, hostname="bravo-edge-1")
    staff = ui("staff")
    staff.post(reverse("ui:switch_customer"), {"customer": world.a.pk})
    page = staff.get(reverse("ui:device_detail", args=[device.pk]))
    assert page.status_code == 404
    assert b'aria-label="Main"' in page.content and b"Open in Bravo Telecom" in page.content
    switched = staff.post(
        reverse("ui:switch_customer"),
        {"customer": world.b.pk, "next": reverse("ui:device_detail", args=[device.pk])},
    )
    assert switched.url == reverse("ui:device_detail", args=[device.pk])
    assert staff.get(switched.url).status_code == 200
    offsite = staff.post(
        reverse("ui:switch_customer"), {"customer": world.a.pk, "next": "https://evil.test/"}
    )
    assert offsite.url == reverse("ui:dashboard")


def test_non_staff_get_the_same_plain_404_for_another_customers_object_and_nothing(
    ui: Callable[[str], Client], world: World
) -> None:
    device = factories.DeviceFactory(customer=world.b)
    admin = ui("admin")
    theirs = admin.get(reverse("ui:device_detail", args=[device.pk]))
    missing = admin.get(reverse("ui:device_detail", args=[device.pk + 1000]))
    assert theirs.status_code == missing.status_code == 404
    assert b'aria-label="Main"' in theirs.content  # the sidebar, for everyone logged in
    assert b"Open in" not in theirs.content and b"Bravo" not in theirs.content
    tokens = re.compile(rb"[A-Za-z0-9]{64}")  # CSRF tokens differ per response
    assert tokens.sub(b"", theirs.content) == tokens.sub(b"", missing.content)
    assert b'aria-label="Main"' not in Client().get("/no/such/page/").content
