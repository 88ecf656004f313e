"""Announcements and the status page: derived status, sync_notice, banners, tenancy, cache."""

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from webnet.customers.models import Role
from webnet.maintenance import announcements, status_page
from webnet.maintenance.markdown import render_markdown
from webnet.maintenance.models import Announcement, AnnouncementUpdate, StatusPage
from webnet.tests import factories
from webnet.tests.conftest import World

HOUR = timedelta(hours=1)


def _notice(customer: Any, **fields: Any) -> Announcement:
    now = timezone.now()
    defaults = {"title": "Core upgrade", "publish_at": now - HOUR, "is_draft": False}
    return Announcement.objects.create(customer=customer, **{**defaults, **fields})


def test_status_is_derived_from_the_times_and_the_tick_stores_it(world: World) -> None:
    now = timezone.now()
    notice = _notice(world.a, publish_at=now + HOUR, expire_at=now + 2 * HOUR)
    draft = _notice(world.a, is_draft=True)
    assert notice.status_at(now) == "scheduled" and draft.status_at(now) == "draft"
    assert notice.status_at(now + HOUR) == "published"
    assert notice.status_at(now + 2 * HOUR) == "expired"
    assert announcements.apply_statuses(now + HOUR) == 1  # draft already stored as draft
    assert announcements.apply_statuses(now + HOUR) == 0  # idempotent
    notice.refresh_from_db()
    assert notice.status == "published"
    announcements.apply_statuses(now + 2 * HOUR)
    notice.refresh_from_db()
    assert notice.status == "expired"


def test_sync_notice_keeps_one_notice_per_source_and_appends_updates(world: World) -> None:
    now = timezone.now()
    args = {"title": "Window W1", "body": "Reboot", "publish_at": now, "expire_at": now + HOUR}
    first = announcements.sync_notice(world.a, source="maintenance:1", **args)
    again = announcements.sync_notice(world.a, source="maintenance:1", **args)
    assert again.pk == first.pk and not AnnouncementUpdate.objects.exists()
    later = announcements.sync_notice(
        world.a, source="maintenance:1", **{**args, "expire_at": now + 2 * HOUR}, update="Extended"
    )
    assert later.pk == first.pk and later.expire_at == now + 2 * HOUR
    assert list(AnnouncementUpdate.objects.values_list("body", flat=True)) == ["Extended"]
    other = announcements.sync_notice(world.b, source="maintenance:1", **args)
    assert other.pk != first.pk  # the key is per customer
    assert Announcement.objects.count() == 2


def test_markdown_is_rendered_without_raw_html_or_script_links() -> None:
    html = render_markdown(
        "**bold** <script>x()</script> [a](javascript:alert(1)) ![i](http://t/x)"
    )
    assert "<strong>bold</strong>" in html and "<script" not in html
    assert 'href="javascript' not in html and "<img" not in html


def test_banners_follow_role_and_location_scope(world: World) -> None:
    region = factories.RegionFactory(customer=world.a)
    elsewhere = factories.RegionFactory(customer=world.a)
    site = factories.SiteFactory(customer=world.a, region=region)
    _notice(world.a, title="everyone")
    _notice(world.a, title="admins", audience_roles=[Role.ADMIN])
    _notice(world.a, title="region", audience_region=region)
    _notice(world.a, title="elsewhere", audience_region=elsewhere)
    _notice(world.a, title="gone", expire_at=timezone.now() - timedelta(seconds=1))
    _notice(world.a, title="page only", on_banner=False, on_status_page=True)
    now = timezone.now()

    def titles(user: Any) -> set[str]:
        return {a.title for a in announcements.banners_for(user, world.a, now)}

    assert titles(world.viewer) == {"everyone", "region", "elsewhere"}
    assert titles(world.admin) == {"everyone", "admins", "region", "elsewhere"}
    scoped = factories.MembershipFactory(customer=world.a, role=Role.OPERATOR, scope_site=site)
    assert titles(scoped.user) == {"everyone", "region"}
    assert titles(world.outsider) == set()


@pytest.fixture
def pages(world: World) -> dict[str, Any]:
    factories.SiteFactory(customer=world.a, name="Alpha POP")
    factories.SiteFactory(customer=world.b, name="Bravo secret POP")
    _notice(world.a, title="Alpha notice", on_status_page=True, body="*soon*")
    _notice(world.b, title="Bravo notice", on_status_page=True)
    public = StatusPage.objects.create(customer=world.a, is_public=True)
    private = StatusPage.objects.create(customer=world.b)
    return {"public": public, "private": private, "token": status_page.rotate_token(None, private)}


def test_status_page_shows_one_customer_only(world: World, pages: dict[str, Any]) -> None:
    body = Client().get("/status/alpha/").text
    assert "Alpha notice" in body and "Alpha POP" in body and "<em>soon</em>" in body
    assert "Bravo" not in body
    assert Client().get("/status/bravo/").status_code == 404  # not public, no token
    assert Client().get("/status/bravo/", {"token": "wrong"}).status_code == 404
    assert Client().get("/status/nosuch/").status_code == 404
    private = Client().get("/status/bravo/", {"token": pages["token"]})
    assert private.status_code == 200 and "Bravo secret POP" in private.text
    assert "Alpha" not in private.text
    # Alpha's token (none) never opens Bravo, and Bravo's token never opens another slug.
    assert Client().get("/status/alpha/", {"token": pages["token"]}).status_code == 200
    status_page.revoke_token(None, pages["private"])
    assert Client().get("/status/bravo/", {"token": pages["token"]}).status_code == 404
    assert StatusPage.objects.get(pk=pages["private"].pk).token_hash == ""


def test_status_page_is_cached_and_invalidated_on_change(
    world: World, pages: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    Client().get("/status/alpha/")
    with django_assert_max_num_queries(3):  # the page row and the session; content from cache
        assert "Alpha notice" in Client().get("/status/alpha/").text
    notice = Announcement.objects.get(title="Alpha notice")
    announcements.update_announcement(None, notice, {"title": "Alpha renamed"})
    assert "Alpha renamed" in Client().get("/status/alpha/").text


def test_a_cached_page_never_outlives_a_notice_expiry(world: World, pages: dict[str, Any]) -> None:
    soon = timezone.now() + timedelta(seconds=5)
    _notice(world.a, title="Brief", on_status_page=True, expire_at=soon)
    assert "Brief" in Client().get("/status/alpha/").text
    import time_machine

    with time_machine.travel(soon + timedelta(seconds=1)):
        body = Client().get("/status/alpha/").text
    assert "Brief" not in body.split('id="status-history"')[0]


def test_keyed_updates_are_appended_once_and_kept_edits_stand(world: World) -> None:
    now = timezone.now()
    args = {"title": "Outage", "body": "Generated", "publish_at": now, "expire_at": None}
    words = [("seq:2", "Investigating"), ("seq:5", "Resolved")]
    notice = announcements.sync_notice(world.a, source="incident:1", **args, updates=words[:1])
    announcements.update_announcement(None, notice, {"title": "Edited", "on_banner": False})
    for _ in range(2):
        announcements.sync_notice(
            world.a, source="incident:1", **{**args, "expire_at": now + HOUR},
            updates=words, keep_edits=True,
        )  # fmt: skip
    notice.refresh_from_db()
    assert (notice.title, notice.on_banner, notice.expire_at) == ("Edited", False, now + HOUR)
    assert list(notice.updates.values_list("source", "body")) == words


def test_the_scheduler_tick_applies_announcement_statuses() -> None:
    from webnet.jobs import periodic

    assert periodic._registry["maintenance.announcements"] is announcements.apply_statuses
