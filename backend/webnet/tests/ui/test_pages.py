"""Every UI page renders for an admin of customer A; anonymous users are sent to the login page."""

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from webnet.tests.ui.conftest import Inventory

LIST_PAGES = [
    "ui:dashboard",
    "ui:device_list",
    "ui:device_create",
    "ui:credential_list",
    "ui:credential_create",
    "ui:tag_list",
    "ui:tag_create",
    "ui:group_list",
    "ui:group_create",
    "ui:import_upload",
    "ui:member_list",
    "ui:member_add",
    "ui:token_list",
    "ui:token_create",
    "ui:account",
    "ui:totp_enrol",
    "ui:audit_list",
    "ui:job_list",
    "ui:job_create",
    "ui:job_run_commands",
    "ui:schedule_list",
    "ui:schedule_create",
    "ui:location_tree",
    "ui:incident_list",
    "ui:oncall",
    *(
        f"ui:{kind}_{page}"
        for kind in ("region", "site", "location", "rack")
        for page in ("list", "create")
    ),
]
OBJECT_PAGES = [
    ("ui:device_detail", "device"),
    ("ui:device_edit", "device"),
    ("ui:device_delete", "device"),
    ("ui:credential_edit", "credential"),
    ("ui:credential_delete", "credential"),
    ("ui:tag_edit", "tag"),
    ("ui:tag_delete", "tag"),
    ("ui:group_detail", "group"),
    ("ui:group_edit", "group"),
    ("ui:group_delete", "group"),
]


@pytest.mark.parametrize("name", LIST_PAGES)
def test_given_admin_when_opening_page_then_it_renders(
    name: str, ui: Callable[[str], Client], inventory: Inventory
) -> None:
    response = ui("admin").get(reverse(name))
    assert response.status_code == 200
    assert b"<html" in response.content


@pytest.mark.parametrize(("name", "attr"), OBJECT_PAGES)
def test_given_admin_when_opening_object_page_then_it_renders(
    name: str, attr: str, ui: Callable[[str], Client], inventory: Inventory
) -> None:
    obj = getattr(inventory, attr)
    response = ui("admin").get(reverse(name, args=[obj.pk]))
    assert response.status_code == 200
    assert str(obj).encode() in response.content


@pytest.mark.parametrize("name", LIST_PAGES)
def test_given_anonymous_when_opening_page_then_redirected_to_login(
    name: str, ui: Callable[[str], Client], world: object
) -> None:
    response = ui("anonymous").get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("ui:login"))


def test_given_admin_then_sidebar_shows_admin_entries(
    ui: Callable[[str], Client], inventory: Inventory
) -> None:
    html = ui("admin").get(reverse("ui:dashboard")).content.decode()
    for name in ("ui:import_upload", "ui:member_list", "ui:audit_list", "ui:credential_list"):
        assert f'href="{reverse(name)}"' in html
    assert 'hx-headers=\'{"X-CSRFToken": "' in html
    assert "<script>" not in html


def test_given_viewer_then_sidebar_hides_admin_entries(
    ui: Callable[[str], Client], inventory: Inventory
) -> None:
    html = ui("viewer").get(reverse("ui:dashboard")).content.decode()
    for name in ("ui:import_upload", "ui:member_list", "ui:audit_list"):
        assert f'href="{reverse(name)}"' not in html
    assert f'href="{reverse("ui:device_list")}"' in html
    assert "recent_events" not in ui("viewer").get(reverse("ui:dashboard")).context


def test_dashboard_counts_are_the_active_customers(
    ui: Callable[[str], Client], inventory: Inventory
) -> None:
    response = ui("admin").get(reverse("ui:dashboard"))
    assert response.context["devices_total"] == 1
    assert response.context["credentials"] == 1
    assert response.context["groups"] == 1
    assert "recent_events" in response.context
    assert b"bravo-secret-edge" not in response.content


def test_dashboard_for_a_user_without_customer(db: None) -> None:
    from webnet.tests import factories

    client = Client()
    client.force_login(factories.UserFactory())
    response = client.get(reverse("ui:dashboard"))
    assert response.status_code == 200
    assert b"not a member of any customer" in response.content
    assert client.get(reverse("ui:device_list")).status_code == 403
