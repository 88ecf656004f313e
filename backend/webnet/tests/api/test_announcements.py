"""Announcements and status pages over the API: validation, derived status, tenancy, tokens."""

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from webnet.maintenance.models import Announcement, AnnouncementUpdate, StatusPage
from webnet.tests import factories
from webnet.tests.api.contract import ResourceContract
from webnet.tests.conftest import World

pytestmark = pytest.mark.django_db
NOTICES = "/api/v1/announcements/"
PAGES = "/api/v1/status-pages/"


def test_create_renders_markdown_and_derives_status(world: World, api: Any) -> None:
    body = {
        "customer": world.a.pk,
        "title": "Upgrade",
        "body": "**now** <b>raw</b>",
        "publish_at": "2020-01-01T00:00:00Z",
        "audience_roles": ["operator"],
    }
    created = api("operator").post(NOTICES, body, format="json")
    assert created.status_code == 201, created.json()
    data = created.json()
    assert data["status"] == "published" and "<strong>now</strong>" in data["body_html"]
    assert "&lt;b&gt;" in data["body_html"]
    late = {**body, "expire_at": "2019-01-01T00:00:00Z"}
    bad = api("operator").post(NOTICES, late, format="json")
    assert bad.status_code == 400 and "expire_at" in bad.json()
    wrong_role = api("operator").post(NOTICES, {**body, "audience_roles": ["boss"]}, format="json")
    assert wrong_role.status_code == 400 and "audience_roles" in wrong_role.json()
    foreign = factories.RegionFactory(customer=world.b)
    crossed = api("operator").post(NOTICES, {**body, "audience_region": foreign.pk}, format="json")
    assert crossed.status_code == 400 and "audience_region" in crossed.json()


def test_another_customers_notice_is_404(world: World, api: Any) -> None:
    notice = Announcement.objects.create(customer=world.b, title="b", publish_at=timezone.now())
    assert api("admin").get(f"{NOTICES}{notice.pk}/").status_code == 404
    assert api("admin").patch(f"{NOTICES}{notice.pk}/", {"title": "x"}).status_code == 404


def test_status_page_token_is_shown_once_and_revocable(world: World, api: Any) -> None:
    created = api("admin").post(PAGES, {"customer": world.a.pk}, format="json")
    assert created.status_code == 201 and created.json()["has_token"] is False
    pk = created.json()["id"]
    assert api("operator").post(f"{PAGES}{pk}/rotate_token/").status_code == 403
    token = api("admin").post(f"{PAGES}{pk}/rotate_token/").json()["token"]
    assert token not in StatusPage.objects.get(pk=pk).token_hash
    assert Client().get(f"/status/{world.a.slug}/", {"token": token}).status_code == 200
    assert Client().get(f"/status/{world.b.slug}/", {"token": token}).status_code == 404
    api("admin").post(f"{PAGES}{pk}/revoke_token/")
    assert Client().get(f"/status/{world.a.slug}/", {"token": token}).status_code == 404
    assert api("outsider").post(f"{PAGES}{pk}/rotate_token/").status_code == 404


class TestAnnouncements(ResourceContract):
    endpoint = "announcements"
    least_role = {"view": "viewer", "add": "operator", "change": "operator", "delete": "operator"}
    related = {
        "audience_region": lambda customer: factories.RegionFactory(customer=customer),
        "audience_site": lambda customer: factories.SiteFactory(customer=customer),
    }

    def make(self, world: World) -> Any:
        notice = Announcement.objects.create(
            customer=world.a, title="n", publish_at=timezone.now(), on_status_page=True
        )
        AnnouncementUpdate.objects.create(customer=world.a, announcement=notice, body="later")
        return notice

    def create_payload(self, world: World) -> dict:
        return {"customer": world.a.pk, "title": "Upgrade", "publish_at": "2030-01-01T00:00:00Z"}

    def update_payload(self, world: World) -> dict:
        return {"title": "Upgrade postponed"}


class TestStatusPages(ResourceContract):
    endpoint = "status-pages"
    least_role = {"view": "viewer", "add": "admin", "change": "admin", "delete": "admin"}

    def make(self, world: World) -> Any:
        """One page per customer: a new one replaces the last (the list tests make several)."""
        StatusPage.objects.filter(customer=world.a).delete()
        return StatusPage.objects.create(customer=world.a)

    def create_payload(self, world: World) -> dict:
        return {"customer": world.a.pk, "title": "Alpha status", "is_public": True}

    def update_payload(self, world: World) -> dict:
        return {"is_public": True}
