"""The sidebar: links grouped, each shown only to roles that may use it, the current page's group
open, and every link resolving to a page that role can open."""

import re
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from webnet.tests.conftest import World
from webnet.ui.navigation import GROUPS, sidebar


def _nav(html: str) -> str:
    return re.search(r'<nav [^>]*aria-label="Main">(.*?)</nav>', html, re.S).group(1)


def _labels(nav: str) -> set[str]:
    return {label.strip() for label in re.findall(r'class="nav-link[^"]*">([^<]+)<', nav)}


def test_viewers_see_no_admin_or_run_links_and_admins_see_them(
    ui: Callable[[str], Client], world: World
) -> None:
    viewer = _labels(_nav(ui("viewer").get(reverse("ui:dashboard")).content.decode()))
    operator = _labels(_nav(ui("operator").get(reverse("ui:dashboard")).content.decode()))
    admin = _labels(_nav(ui("admin").get(reverse("ui:dashboard")).content.decode()))
    assert {"Devices", "Alarms", "Maintenance", "Teams"} <= viewer
    assert not viewer & {"Run commands", "Members", "Import", "Audit log", "Terminal sessions"}
    assert "Run commands" in operator and "Members" not in operator
    assert {"Run commands", "Members", "Import", "Audit log", "Terminal sessions"} <= admin


@pytest.mark.parametrize("url_name", ["ui:device_list", "ui:team_list", "ui:alarm_console"])
def test_only_the_current_pages_group_is_open(
    ui: Callable[[str], Client], world: World, url_name: str
) -> None:
    nav = _nav(ui("admin").get(reverse(url_name)).content.decode())
    opened = re.findall(r"<details open[^>]*>\s*<summary[^>]*>([^<]+)</summary>", nav)
    assert len(opened) == 1
    group = next(g for g in GROUPS if g.title == opened[0])
    assert url_name in {link.url_name for link in group.links}
    assert nav.count("nav-link-active") == 1


def test_every_link_a_role_is_shown_opens_for_that_role(
    ui: Callable[[str], Client], world: World
) -> None:
    for role in ("viewer", "operator", "admin"):
        client = ui(role)
        hrefs = re.findall(
            r'href="([^"]+)"', _nav(client.get(reverse("ui:dashboard")).content.decode())
        )
        for href in hrefs:
            assert client.get(href).status_code == 200, (role, href)


def test_without_a_customer_only_per_user_links_remain() -> None:
    groups = sidebar(has_customer=False, can_run_jobs=False, can_admin=False, is_staff=False)
    labels = {link.label for group in groups for link in group.links}
    assert "Devices" not in labels and "API tokens" in labels and "Audit log" not in labels
    staff = sidebar(has_customer=False, can_run_jobs=False, can_admin=False, is_staff=True)
    assert "Audit log" in {link.label for group in staff for link in group.links}
