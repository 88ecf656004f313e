"""Error pages are our templates, without tracebacks or debug detail."""

from collections.abc import Callable

from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

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
