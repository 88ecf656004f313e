"""Location pages: the tree with counts and worst state, site pages, forms, scoped members."""

from collections.abc import Callable

from django.test import Client
from django.urls import reverse

from webnet.devices.models import DeviceStatus
from webnet.locations.models import Region, Site
from webnet.tests import factories as f
from webnet.tests.api.scope_contract import build_tree, scope_user
from webnet.tests.conftest import World


def _node(html: str, key: str) -> str:
    """The tree line of one node (up to its children)."""
    start = html.index(f'data-node="{key}"')
    return html[start : html.index("</div>", start)]


def test_the_tree_counts_devices_below_each_node_and_shows_the_worst_state(
    world: World, ui: Callable[[str], Client]
) -> None:
    # given EU ⊃ NL ⊃ AMS1 with a device up in a hall and one down at the site (the last job
    # reached both: monitoring's state counts, not job reachability), NYC1's never polled
    tree = build_tree(world)
    f.DeviceStateFactory(device=tree.device, state="up")
    down = f.DeviceFactory(customer=world.a, site=tree.ams, status=DeviceStatus.REACHABLE)
    f.DeviceStateFactory(device=down, state="down")
    # when the tree is shown
    html = ui("viewer").get(reverse("ui:location_tree")).content.decode()
    # then each node counts what is below it and rolls up the worst state
    assert "2 devices" in _node(html, f"region:{tree.eu.pk}")
    assert 'data-state="down"' in _node(html, f"region:{tree.eu.pk}")
    assert "1 device<" in _node(html, f"location:{tree.hall.pk}")
    assert 'data-state="up"' in _node(html, f"location:{tree.hall.pk}")
    assert "1 device<" in _node(html, f"region:{tree.us.pk}")
    assert 'data-state="unknown"' in _node(html, f"region:{tree.us.pk}")
    assert f"?within=site%3A{tree.ams.pk}" in html


def test_a_scoped_member_sees_only_their_part_of_the_tree(world: World) -> None:
    tree = build_tree(world)
    client = Client()
    client.force_login(scope_user(world, "viewer", tree.nl))
    html = client.get(reverse("ui:location_tree")).content.decode()
    assert f'data-node="site:{tree.ams.pk}"' in html
    assert f'data-node="region:{tree.us.pk}"' not in html and "NYC1" not in html
    assert client.get(reverse("ui:site_detail", args=[tree.nyc.pk])).status_code == 404
    within = client.get(reverse("ui:device_list") + f"?within=region:{tree.us.pk}")
    assert "nyc-edge" not in within.content.decode()


def test_site_page_lists_its_locations_racks_and_devices(
    world: World, ui: Callable[[str], Client]
) -> None:
    tree = build_tree(world)
    response = ui("viewer").get(reverse("ui:site_detail", args=[tree.ams.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "hall" in html and "ams-r1" in html and "ams-edge" in html and "nyc-edge" not in html
    listed = ui("viewer").get(reverse("ui:device_list") + f"?within=site:{tree.ams.pk}")
    assert "ams-edge" in listed.content.decode() and "nyc-edge" not in listed.content.decode()
    assert f"site {tree.ams.name}" in listed.content.decode()


def test_an_admin_creates_a_region_and_a_site_in_it(
    world: World, ui: Callable[[str], Client]
) -> None:
    admin = ui("admin")
    created = admin.post(reverse("ui:region_create"), {"name": "EU"})
    assert created.status_code == 302
    eu = Region.objects.get(customer=world.a, name="EU")
    bad = admin.post(reverse("ui:site_create"), {"name": "AMS1", "time_zone": "CET+1"})
    assert bad.status_code == 400 and "IANA" in bad.content.decode()
    payload = {"name": "AMS1", "region": eu.pk, "status": "active", "time_zone": "Europe/Amsterdam"}
    assert admin.post(reverse("ui:site_create"), payload).status_code == 302
    assert Site.objects.get(customer=world.a, name="AMS1").region == eu
    assert ui("viewer").post(reverse("ui:region_create"), {"name": "US"}).status_code == 403


def test_deleting_a_site_that_holds_devices_is_refused_not_a_500(
    world: World, ui: Callable[[str], Client]
) -> None:
    site = f.SiteFactory(customer=world.a)
    f.DeviceFactory(customer=world.a, site=site)
    response = ui("admin").post(reverse("ui:site_delete", args=[site.pk]), follow=True)
    assert response.status_code == 200 and "still in use" in response.content.decode()
    assert Site.objects.filter(pk=site.pk).exists()


def test_an_admin_limits_a_member_to_a_region_on_the_members_page(
    world: World, ui: Callable[[str], Client]
) -> None:
    tree = build_tree(world)
    membership = world.viewer.memberships.get()
    url = reverse("ui:member_edit", args=[membership.pk])
    form = ui("admin").get(url).content.decode()
    assert f'value="region:{tree.eu.pk}"' in form and f'value="site:{tree.ams.pk}"' in form
    saved = ui("admin").post(url, {"role": "viewer", "scope": f"region:{tree.eu.pk}"})
    assert saved.status_code == 302
    membership.refresh_from_db()
    assert membership.scope == ("region", tree.eu.pk)
    listed = ui("viewer").get(reverse("ui:device_list")).content.decode()
    assert "ams-edge" in listed and "nyc-edge" not in listed
    assert "region EU" in ui("admin").get(reverse("ui:member_list")).content.decode()
