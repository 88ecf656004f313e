"""Group pages: static members, dynamic rules validated inline, nesting, members page."""

from collections.abc import Callable

from django.test import Client
from django.urls import reverse

from webnet.devices.models import DeviceGroup, GroupKind
from webnet.tests import factories
from webnet.tests.conftest import World
from webnet.tests.ui.conftest import Inventory


def test_static_group_with_members(
    ui: Callable[[str], Client], world: World, inventory: Inventory
) -> None:
    response = ui("operator").post(
        reverse("ui:group_create"),
        {"name": "static-one", "kind": "static", "devices": [inventory.device.pk]},
    )
    assert response.status_code == 302
    group = DeviceGroup.objects.get(name="static-one")
    assert list(group.devices.all()) == [inventory.device]
    members = ui("viewer").get(reverse("ui:group_detail", args=[group.pk]))
    assert "alpha-core-1" in members.content.decode()


def test_dynamic_group_rules_and_nested_members(
    ui: Callable[[str], Client], world: World, inventory: Inventory
) -> None:
    response = ui("operator").post(
        reverse("ui:group_create"),
        {
            "name": "ams",
            "kind": "dynamic",
            "filter_rules": '{"site": "ams1"}',
            "parent": inventory.group.pk,
        },
    )
    assert response.status_code == 302
    group = DeviceGroup.objects.get(name="ams")
    assert group.kind == GroupKind.DYNAMIC and group.filter_rules == {"site": "ams1"}
    page = ui("viewer").get(reverse("ui:group_detail", args=[inventory.group.pk]))
    assert "ams" in page.content.decode()


def test_invalid_json_and_unknown_rules_are_inline_errors(
    ui: Callable[[str], Client], world: World
) -> None:
    client = ui("operator")
    for rules, fragment in (
        ("{not json", "JSON"),
        ('{"colour": "red"}', "unknown filter"),
        ('{"platform": ["bogus"]}', "platform"),
    ):
        response = client.post(
            reverse("ui:group_create"), {"name": "dyn", "kind": "dynamic", "filter_rules": rules}
        )
        assert response.status_code == 400, rules
        errors = " ".join(response.context["form"].errors["filter_rules"])
        assert fragment in errors, errors
        assert b"field-error" in response.content


def test_a_group_cannot_be_its_own_ancestor(ui: Callable[[str], Client], world: World) -> None:
    parent = factories.DeviceGroupFactory(customer=world.a, name="parent")
    child = factories.DeviceGroupFactory(customer=world.a, name="child", parent=parent)
    response = ui("operator").post(
        reverse("ui:group_edit", args=[parent.pk]),
        {"name": "parent", "kind": "static", "parent": child.pk},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["parent"]


def test_other_customers_groups_are_not_parent_choices(
    ui: Callable[[str], Client], world: World
) -> None:
    foreign = factories.DeviceGroupFactory(customer=world.b, name="bravo-group")
    html = ui("operator").get(reverse("ui:group_create")).content.decode()
    assert "bravo-group" not in html
    response = ui("operator").post(
        reverse("ui:group_create"), {"name": "g", "kind": "static", "parent": foreign.pk}
    )
    assert response.status_code == 400
    assert ui("operator").get(reverse("ui:group_detail", args=[foreign.pk])).status_code == 404
