"""Change calendar pages (freezes, scheduled changes, calendar feeds, status page settings, end a
window early): roles are checked on every POST, another customer's objects answer 404, a viewer
reads but never writes, and the gates' refusals name the freeze."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from webnet.core.models import AuditEvent
from webnet.maintenance.models import CalendarToken, FreezeWindow, ScheduledChange, StatusPage
from webnet.tests import factories as f
from webnet.tests.conftest import World
from webnet.tests.maintenance.test_calendar import confirmed_plan

Ui = Callable[[str], Client]


def freeze_form(name: str = "quarter end", **extra: object) -> dict:
    return {
        "name": name,
        "starts_at": "2030-03-30T00:00",
        "ends_at": "2030-04-02T00:00",
        "time_zone": "UTC",
        "mode": "override",
        **extra,
    }


def test_freezes_are_the_admins_and_scoped(world: World, ui: Ui) -> None:
    create = reverse("ui:freeze_create")
    for role in ("viewer", "operator"):
        assert ui(role).get(reverse("ui:freeze_list")).status_code == 200
        assert ui(role).post(create, freeze_form()).status_code == 403
    listing = ui("viewer").get(reverse("ui:freeze_list")).content.decode()
    assert "New freeze window" not in listing
    admin = ui("admin")
    assert admin.post(create, freeze_form()).status_code == 302
    freeze = FreezeWindow.objects.get(customer=world.a, name="quarter end")
    assert freeze.last_end == datetime(2030, 4, 2, tzinfo=UTC)
    assert AuditEvent.objects.filter(action="create", object_id=str(freeze.pk)).exists()
    region = f.RegionFactory(customer=world.a)
    site = f.SiteFactory(customer=world.a, name="ams1")
    two = admin.post(create, freeze_form("two", region=region.pk, site=site.pk))
    assert two.status_code == 400 and "Freeze one subtree" in two.content.decode()
    theirs = f.FreezeWindowFactory(customer=world.b, name="bravo freeze")
    foreign_site = f.SiteFactory(customer=world.b, name="bravo-site")
    assert admin.post(create, freeze_form("x", site=foreign_site.pk)).status_code == 400
    for name in ("ui:freeze_edit", "ui:freeze_delete"):
        assert admin.get(reverse(name, args=[theirs.pk])).status_code == 404
    assert admin.post(reverse("ui:freeze_delete", args=[theirs.pk])).status_code == 404
    assert "bravo freeze" not in admin.get(reverse("ui:freeze_list")).content.decode()
    assert admin.post(reverse("ui:freeze_delete", args=[freeze.pk])).status_code == 302
    assert not FreezeWindow.objects.filter(pk=freeze.pk).exists()


@pytest.fixture
def calendar(world: World):  # type: ignore[no-untyped-def]
    """A router, a confirmed plan on it and a window tomorrow, all customer A's."""
    router = f.DeviceFactory(customer=world.a, hostname="cal-r1", site="fra1")
    plan = confirmed_plan(world.operator, router)
    start = (timezone.now() + timedelta(days=1)).replace(microsecond=0)
    window = f.MaintenanceWindowFactory(
        customer=world.a, name="night work", starts_at=start, ends_at=start + timedelta(hours=2)
    )
    return router, plan, window, start


def schedule_form(plan, window, start, **extra: object) -> dict:  # type: ignore[no-untyped-def]
    return {"plan": plan.pk, "occurrence": f"{window.pk}|{start.isoformat()}", **extra}


def test_scheduling_names_the_freeze_and_only_an_admin_overrides_with_a_reason(
    world: World, ui: Ui, calendar
) -> None:
    _, plan, window, start = calendar
    url = reverse("ui:scheduled_change_create")
    assert ui("viewer").get(url).status_code == 403
    assert ui("viewer").post(url, schedule_form(plan, window, start)).status_code == 403
    operator = ui("operator")
    page = operator.get(url).content.decode()
    assert "night work" in page and plan.name in page and "Override reason" not in page
    freeze = f.FreezeWindowFactory(
        customer=world.a,
        name="Xmas",
        mode="override",
        starts_at=start - timedelta(hours=1),
        ends_at=start + timedelta(hours=5),
    )
    refused = operator.post(url, schedule_form(plan, window, start, override_reason="urgent"))
    assert refused.status_code == 400
    assert f"freeze window &#x27;Xmas&#x27; (#{freeze.pk})" in refused.content.decode()
    assert not ScheduledChange.objects.exists()
    admin = ui("admin")
    assert "Override reason" in admin.get(url).content.decode()
    assert admin.post(url, schedule_form(plan, window, start)).status_code == 400  # no reason
    done = admin.post(url, schedule_form(plan, window, start, override_reason="fibre cut fix"))
    assert done.status_code == 302
    scheduled = ScheduledChange.objects.get()
    assert (scheduled.window, scheduled.occurrence_start) == (window, start)
    event = AuditEvent.objects.get(action="override_freeze")
    assert event.changes["reason"] == [None, "fibre cut fix"] and "Xmas" in str(event.changes)
    listing = operator.get(reverse("ui:scheduled_change_list")).content.decode()
    assert "night work" in listing and "Cancel" in listing
    assert f"freeze overridden by {world.admin}: fibre cut fix" in listing
    assert (
        "Cancel</button>"
        not in ui("viewer").get(reverse("ui:scheduled_change_list")).content.decode()
    )
    cancel = reverse("ui:scheduled_change_cancel", args=[scheduled.pk])
    assert ui("viewer").post(cancel).status_code == 403
    assert ui("outsider").post(cancel).status_code == 404
    assert operator.post(cancel).status_code == 302
    scheduled.refresh_from_db()
    assert scheduled.status == "cancelled"


def test_another_customers_plan_or_window_cannot_be_scheduled(
    world: World, ui: Ui, calendar
) -> None:
    _, plan, window, start = calendar
    url = reverse("ui:scheduled_change_create")
    theirs = confirmed_plan(world.outsider, f.DeviceFactory(customer=world.b))
    their_window = f.MaintenanceWindowFactory(customer=world.b, starts_at=start)
    operator = ui("operator")
    assert "window-" not in operator.get(url).content.decode()
    for body in (
        schedule_form(theirs, window, start),
        schedule_form(plan, their_window, start),
        schedule_form(plan, window, start + timedelta(minutes=1)),  # no occurrence then
        {"plan": plan.pk, "occurrence": "junk"},
    ):
        assert operator.post(url, body).status_code == 400
    assert not ScheduledChange.objects.exists()


@pytest.mark.usefixtures("calendar")
def test_calendar_feed_token_is_shown_once_and_revocable(world: World, ui: Ui) -> None:
    for role in ("viewer", "operator"):
        assert ui(role).get(reverse("ui:calendar_feed_list")).status_code == 403
        assert ui(role).post(reverse("ui:calendar_feed_create"), {"name": "x"}).status_code == 403
    admin = ui("admin")
    assert admin.post(reverse("ui:calendar_feed_create"), {"name": ""}).status_code == 400
    created = admin.post(reverse("ui:calendar_feed_create"), {"name": "NOC calendar"})
    token = CalendarToken.objects.get(customer=world.a)
    assert created["Location"] == reverse("ui:calendar_feed_created", args=[token.pk])
    shown = admin.get(created["Location"]).content.decode()
    raw = shown.split("/calendar/cal_")[1].split(".ics")[0]
    raw = f"cal_{raw}"
    assert raw.startswith("cal_") and token.prefix == raw[:12]
    assert raw not in admin.get(created["Location"], follow=True).content.decode()  # once
    assert raw not in admin.get(reverse("ui:calendar_feed_list")).content.decode()
    feed = Client().get(reverse("ui:calendar_feed", args=[raw]))
    assert feed.status_code == 200 and b"Maintenance: night work" in feed.content
    revoke = reverse("ui:calendar_feed_revoke", args=[token.pk])
    assert ui("outsider").post(revoke).status_code == 404
    assert (
        ui("outsider").get(reverse("ui:calendar_feed_created", args=[token.pk])).status_code == 404
    )
    assert admin.post(revoke).status_code == 302
    assert Client().get(reverse("ui:calendar_feed", args=[raw])).status_code == 404


def test_status_page_settings(world: World, ui: Ui) -> None:
    f.SiteFactory(customer=world.a, name="ams1")
    url = reverse("ui:status_settings")
    public = reverse("ui:status_page", args=[world.a.slug])
    viewer_page = ui("viewer").get(url).content.decode()
    assert "ams1" in viewer_page and "Save settings" not in viewer_page
    for role in ("viewer", "operator"):
        assert ui(role).post(url, {"title": "x", "is_public": "on"}).status_code == 403
    assert Client().get(public).status_code == 404
    admin = ui("admin")
    assert admin.post(reverse("ui:status_token_rotate")).status_code == 302  # no page yet
    assert admin.post(url, {"title": "Alpha status"}).status_code == 302
    assert Client().get(public).status_code == 404  # private, no token
    assert ui("operator").post(reverse("ui:status_token_rotate")).status_code == 403
    rotated = admin.post(reverse("ui:status_token_rotate"))
    link = admin.get(rotated["Location"]).content.decode().split("?token=")[1].split('"')[0]
    assert Client().get(public, {"token": link}).status_code == 200
    assert link not in admin.get(rotated["Location"], follow=True).content.decode()
    assert admin.post(reverse("ui:status_token_revoke")).status_code == 302
    assert Client().get(public, {"token": link}).status_code == 404
    assert admin.post(url, {"title": "Alpha status", "is_public": "on"}).status_code == 302
    assert StatusPage.objects.get(customer=world.a).is_public
    assert b"Alpha status" in Client().get(public).content
    # the outsider's own page settings never show customer A's
    assert "Alpha status" not in ui("outsider").get(url).content.decode()


def test_end_a_window_early(world: World, ui: Ui) -> None:
    now = timezone.now()
    window = f.MaintenanceWindowFactory(
        customer=world.a,
        name="open now",
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=2),
    )
    later = f.MaintenanceWindowFactory(customer=world.a, starts_at=now + timedelta(days=1))
    theirs = f.MaintenanceWindowFactory(customer=world.b, starts_at=now - timedelta(hours=1))
    end = reverse("ui:maintenance_end", args=[window.pk])
    assert "End early" not in ui("viewer").get(reverse("ui:maintenance_list")).content.decode()
    assert ui("viewer").post(end).status_code == 403
    assert ui("operator").post(reverse("ui:maintenance_end", args=[theirs.pk])).status_code == 404
    operator = ui("operator")
    assert "End early" in operator.get(reverse("ui:maintenance_list")).content.decode()
    assert "End now" in operator.get(end).content.decode()
    assert operator.post(end).status_code == 302
    window.refresh_from_db()
    assert window.ended_early_at is not None and window.status == "completed"
    assert AuditEvent.objects.filter(action="end_early", object_id=str(window.pk)).exists()
    refused = operator.post(reverse("ui:maintenance_end", args=[later.pk]), follow=True)
    assert "Only an active window can be ended early" in refused.content.decode()


def test_scheduling_warns_about_the_window_and_refuses_a_second_change_on_the_device(
    world: World, ui: Ui, calendar
) -> None:
    router, plan, window, start = calendar
    window.devices.set([router])
    url = reverse("ui:scheduled_change_create")
    operator = ui("operator")
    done = operator.post(url, schedule_form(plan, window, start), follow=True)
    first = ScheduledChange.objects.get()
    html = done.content.decode()
    assert f"maintenance window &#x27;night work&#x27; (#{window.pk})" in html  # a warning
    assert "(the same device)" in html
    second = confirmed_plan(world.operator, router)
    refused = operator.post(url, schedule_form(second, window, start))
    assert refused.status_code == 400
    assert f"scheduled change &#x27;ntp&#x27; (#{first.pk})" in refused.content.decode()
    assert ScheduledChange.objects.count() == 1
