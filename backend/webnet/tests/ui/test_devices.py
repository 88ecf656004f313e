"""Device pages: filters, HTMX partial, export links, gated choices, binding fields, tenancy."""

from collections.abc import Callable

from django.test import Client
from django.urls import reverse

from webnet.devices.models import Device, DeviceStatus
from webnet.tests import factories
from webnet.tests.conftest import World
from webnet.tests.ui.conftest import Inventory


def test_list_filters_by_query_platform_status_site_role_and_tag(
    ui: Callable[[str], Client], world: World, inventory: Inventory
) -> None:
    factories.DeviceFactory(
        customer=world.a,
        hostname="alpha-access-9",
        platform="arista_eos",
        status=DeviceStatus.REACHABLE,
        site="fra2",
        role="access",
    )
    client = ui("viewer")
    url = reverse("ui:device_list")
    cases = {
        "q=access": ["alpha-access-9"],
        "platform=arista_eos": ["alpha-access-9"],
        "status=reachable": ["alpha-access-9"],
        "site=ams1": ["alpha-core-1"],
        "role=core": ["alpha-core-1"],
        "tag=core": ["alpha-core-1"],
        "": ["alpha-access-9", "alpha-core-1"],
    }
    for query, expected in cases.items():
        response = client.get(f"{url}?{query}")
        assert [d.hostname for d in response.context["object_list"]] == expected, query


def test_list_paginates_by_25(ui: Callable[[str], Client], world: World) -> None:
    factories.DeviceFactory.create_batch(30, customer=world.a)
    response = ui("viewer").get(reverse("ui:device_list") + "?page=2")
    assert len(response.context["object_list"]) == 5
    assert response.context["page"].paginator.num_pages == 2


def test_htmx_request_gets_only_the_table_partial_with_filtered_export_links(
    ui: Callable[[str], Client], world: World, inventory: Inventory
) -> None:
    response = ui("viewer").get(
        reverse("ui:device_list") + "?site=ams1", headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert 'id="device-table"' in html
    export = f"/api/v1/devices/export/?file_format=csv&amp;customer={world.a.pk}&amp;site=ams1"
    assert export in html
    assert "file_format=json" in html
    assert "HX-Request" in response["Vary"]


def test_full_page_has_live_filter_form(ui: Callable[[str], Client], inventory: Inventory) -> None:
    html = ui("viewer").get(reverse("ui:device_list")).content.decode()
    assert 'hx-get="/devices/"' in html
    assert 'hx-push-url="true"' in html
    assert 'hx-target="#list-table"' in html


def test_outsider_never_sees_a_hostnames_and_gets_404_on_detail(
    ui: Callable[[str], Client], inventory: Inventory
) -> None:
    client = ui("outsider")
    html = client.get(reverse("ui:device_list")).content.decode()
    assert "bravo-secret-edge" in html
    assert "alpha-core-1" not in html
    assert client.get(reverse("ui:device_detail", args=[inventory.device.pk])).status_code == 404
    dashboard = client.get(reverse("ui:dashboard")).content.decode()
    assert "alpha-core-1" not in dashboard


def test_detail_shows_credential_name_tags_groups_and_host_keys_never_secrets(
    ui: Callable[[str], Client], inventory: Inventory
) -> None:
    response = ui("viewer").get(reverse("ui:device_detail", args=[inventory.device.pk]))
    html = response.content.decode()
    for text in ("core-cred", "core", "core-routers", "ssh-ed25519", "SHA256:"):
        assert text in html
    assert inventory.credential.password_encrypted not in html


def test_form_offers_only_the_active_customers_credentials_and_tags(
    ui: Callable[[str], Client], world: World, inventory: Inventory
) -> None:
    foreign_cred = factories.CredentialFactory(customer=world.b, name="bravo-cred")
    foreign_tag = factories.TagFactory(customer=world.b, name="bravo-tag")
    client = ui("admin")
    html = client.get(reverse("ui:device_create")).content.decode()
    assert "core-cred" in html and "bravo-cred" not in html
    assert "bravo-tag" not in html
    response = client.post(
        reverse("ui:device_create"),
        {
            "hostname": "sneaky",
            "management_host": "203.0.113.9",
            "port": 22,
            "platform": "cisco_ios",
            "credential": foreign_cred.pk,
            "tags": [foreign_tag.pk],
        },
    )
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"credential", "tags"}
    assert not Device.objects.filter(hostname="sneaky").exists()


def test_operator_edits_metadata_but_binding_fields_are_disabled_and_ignored(
    ui: Callable[[str], Client], world: World, inventory: Inventory
) -> None:
    device = inventory.device
    client = ui("operator")
    html = client.get(reverse("ui:device_edit", args=[device.pk])).content.decode()
    assert 'name="management_host"' in html and "disabled" in html
    response = client.post(
        reverse("ui:device_edit", args=[device.pk]),
        {
            "hostname": device.hostname,
            "management_host": "203.0.113.66",
            "port": 2222,
            "credential": "",
            "platform": device.platform,
            "site": factories.SiteFactory(customer=device.customer, name="lon1").pk,
            "enabled": "on",
        },
    )
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.site.name == "lon1"
    assert device.management_host != "203.0.113.66"
    assert device.port == 22
    assert device.credential_id == inventory.credential.pk


def test_admin_changes_binding_fields(ui: Callable[[str], Client], inventory: Inventory) -> None:
    device = inventory.device
    response = ui("admin").post(
        reverse("ui:device_edit", args=[device.pk]),
        {
            "hostname": device.hostname,
            "management_host": "203.0.113.66",
            "port": 2222,
            "credential": "",
            "platform": device.platform,
            "enabled": "on",
        },
    )
    assert response.status_code == 302
    device.refresh_from_db()
    assert (device.management_host, device.port, device.credential_id) == (
        "203.0.113.66",
        2222,
        None,
    )


def test_invalid_filter_value_shows_error_not_500(
    ui: Callable[[str], Client], inventory: Inventory
) -> None:
    response = ui("viewer").get(reverse("ui:device_list") + "?platform=bogus")
    assert response.status_code == 200
    assert list(response.context["object_list"]) == []
    assert b"platform" in response.content
