"""The audit log page: admins see their customer's events, staff see all, others get 403."""

from collections.abc import Callable

from django.test import Client
from django.urls import reverse

from webnet.tests.conftest import World
from webnet.tests.ui.conftest import Inventory


def _make_events(ui: Callable[[str], Client]) -> None:
    ui("admin").post(reverse("ui:tag_create"), {"name": "alpha-tag", "color": "#112233"})
    ui("outsider").post(reverse("ui:tag_create"), {"name": "bravo-tag", "color": "#112233"})


def test_admin_sees_only_the_active_customers_events_with_changes_island(
    ui: Callable[[str], Client], world: World
) -> None:
    _make_events(ui)
    response = ui("admin").get(reverse("ui:audit_list"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "alpha-tag" in html and "bravo-tag" not in html
    assert 'data-island="AuditChanges"' in html
    assert '{"changes": {' in html


def test_filters(ui: Callable[[str], Client], world: World) -> None:
    _make_events(ui)
    client = ui("admin")
    url = reverse("ui:audit_list")
    assert len(client.get(url + "?action=create").context["rows"]) == 1
    assert len(client.get(url + "?action=delete").context["rows"]) == 0
    assert len(client.get(url + "?actor=a-adm&object_type=tag").context["rows"]) == 1
    assert len(client.get(url + "?since=2000-01-01&until=2999-01-01").context["rows"]) == 1
    assert client.get(url + "?since=not-a-date").status_code == 200


def test_staff_sees_all_customers(ui: Callable[[str], Client], world: World) -> None:
    _make_events(ui)
    html = ui("staff").get(reverse("ui:audit_list") + "?scope=all").content.decode()
    assert "alpha-tag" in html and "bravo-tag" in html


def test_viewers_and_operators_get_403(ui: Callable[[str], Client], inventory: Inventory) -> None:
    for role in ("viewer", "operator"):
        assert ui(role).get(reverse("ui:audit_list")).status_code == 403
        assert ui(role).get(reverse("ui:audit_list") + "?scope=all").status_code == 403
