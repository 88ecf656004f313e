"""Maintenance API: generated contracts for windows and freezes; conflicts refuse (400 naming the
item) or warn; scheduled changes; calendar feed tokens and the iCalendar feed."""

from datetime import timedelta
from typing import Any

from django.utils import timezone
from icalendar import Calendar

from webnet.tests import factories as f
from webnet.tests.api.contract import ResourceContract
from webnet.tests.conftest import World
from webnet.tests.maintenance.test_calendar import confirmed_plan


def window_payload(world: World, **extra: Any) -> dict:
    start = timezone.now() + timedelta(days=1)
    return {
        "customer": world.a.pk,
        "name": "core upgrade",
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=4)).isoformat(),
        "time_zone": "Europe/Berlin",
        "rrule": "FREQ=WEEKLY;COUNT=2",
        "behaviour": "mute",
        **extra,
    }


class TestMaintenanceWindows(ResourceContract):
    endpoint = "maintenance-windows"
    least_role = {"view": "viewer", "add": "operator", "change": "operator", "delete": "operator"}
    related = {
        "devices": lambda customer: f.DeviceFactory(customer=customer),
        "groups": lambda customer: f.DeviceGroupFactory(customer=customer),
        "sites": lambda customer: f.SiteFactory(customer=customer),
    }
    many_related = frozenset({"devices", "groups", "sites"})

    def make(self, world: World) -> Any:
        return f.MaintenanceWindowFactory(customer=world.a)

    def create_payload(self, world: World) -> dict:
        return window_payload(world)

    def update_payload(self, world: World) -> dict:
        return {"description": "moved to the spare", "behaviour": "flag"}


class TestFreezeWindows(ResourceContract):
    endpoint = "freeze-windows"
    least_role = {"view": "viewer", "add": "admin", "change": "admin", "delete": "admin"}
    related = {"site": lambda customer: f.SiteFactory(customer=customer)}

    def make(self, world: World) -> Any:
        return f.FreezeWindowFactory(customer=world.a)

    def create_payload(self, world: World) -> dict:
        return {**window_payload(world), "name": "year end", "mode": "override"}

    def update_payload(self, world: World) -> dict:
        return {"mode": "refuse"}


def test_window_conflicts_refuse_or_warn_and_bad_rules_are_field_errors(world: World, api) -> None:
    router = f.DeviceFactory(customer=world.a, site="fra1")
    neighbour = f.DeviceFactory(customer=world.a, site="fra1")
    client = api("operator")
    first = client.post(
        "/api/v1/maintenance-windows/", window_payload(world, devices=[router.pk]), format="json"
    )
    assert first.status_code == 201, first.content
    assert first.json()["status"] == "scheduled" and first.json()["warnings"] == []
    # the same device in the same hours: refused, naming the first window
    again = window_payload(world, name="again", devices=[router.pk])
    refused = client.post("/api/v1/maintenance-windows/", again, format="json")
    assert refused.status_code == 400
    assert (
        f"maintenance window 'core upgrade' (#{first.json()['id']})"
        in refused.json()["conflicts"][0]
    )
    # a device at the same site: created, with a warning naming it
    warned = client.post(
        "/api/v1/maintenance-windows/",
        window_payload(world, name="n", devices=[neighbour.pk]),
        format="json",
    )
    assert warned.status_code == 201 and "the same site" in warned.json()["warnings"][0]
    for field, value in [
        ("rrule", "FREQ=SECONDLY"),
        ("rrule", "FREQ=DAILY;INTERVAL=x"),
        ("rrule", "FREQ=DAILY;INTERVAL=0"),
        ("rrule", "FREQ=DAILY;;"),
        ("rrule", "FREQ=WEEKLY;BYDAY=XX"),
        ("rrule", "FREQ=DAILY;BYWEEKNO=99"),
        ("rrule", "FREQ=MONTHLY;BYMONTH=4;BYMONTHDAY=31"),
        ("rrule", "FREQ=DAILY;UNTIL=2026"),
        ("time_zone", "Mars/Base"),
    ]:
        bad = client.post(
            "/api/v1/maintenance-windows/",
            window_payload(world, name=value, **{field: value}),
            format="json",
        )
        assert bad.status_code == 400 and field in bad.json(), (field, bad.content)
    # UNTIL in UTC, as RFC 5545 asks for a zoned start, is accepted for a Berlin window
    until = (timezone.now() + timedelta(days=30)).strftime("%Y%m%dT%H%M%SZ")
    utc_until = window_payload(world, name="until", rrule=f"FREQ=WEEKLY;UNTIL={until}")
    made = client.post("/api/v1/maintenance-windows/", utc_until, format="json")
    assert made.status_code == 201, made.content
    assert made.json()["last_end"] is not None
    # within a site: the windows naming a device there
    listed = client.get("/api/v1/maintenance-windows/", {"within": f"site:{router.site_id}"})
    assert {w["name"] for w in listed.json()["results"]} == {"core upgrade", "n"}
    # ending early: only an active window
    assert client.post(f"/api/v1/maintenance-windows/{first.json()['id']}/end/").status_code == 400


def test_scheduling_a_change_into_a_freeze_is_refused_naming_it(world: World, api) -> None:
    router = f.DeviceFactory(customer=world.a)
    window = f.MaintenanceWindowFactory(
        customer=world.a, devices=[router], starts_at=timezone.now() + timedelta(hours=1)
    )
    f.FreezeWindowFactory(
        customer=world.a, name="Xmas", starts_at=window.starts_at, ends_at=window.ends_at
    )
    plan = confirmed_plan(world.user("operator"), router)
    body = {"plan": plan.pk, "window": window.pk, "occurrence_start": window.starts_at.isoformat()}
    assert api("viewer").post("/api/v1/scheduled-changes/", body, format="json").status_code == 403
    refused = api("operator").post("/api/v1/scheduled-changes/", body, format="json")
    assert refused.status_code == 400 and "Xmas" in str(refused.json()["plan"])
    # another customer's plan is not found
    foreign = api("outsider").post("/api/v1/scheduled-changes/", body, format="json")
    assert foreign.status_code == 400 and "does not exist" in str(foreign.json())


def test_an_admins_override_is_kept_on_the_scheduled_change(world: World, api) -> None:
    router = f.DeviceFactory(customer=world.a)
    window = f.MaintenanceWindowFactory(
        customer=world.a, devices=[router], starts_at=timezone.now() + timedelta(hours=1)
    )
    freeze = f.FreezeWindowFactory(
        customer=world.a, name="soft", mode="override",
        starts_at=window.starts_at, ends_at=window.ends_at,
    )  # fmt: skip
    plan = confirmed_plan(world.user("admin"), router)
    body = {"plan": plan.pk, "window": window.pk, "occurrence_start": window.starts_at.isoformat()}
    override = {**body, "override": True, "override_reason": "P1 fix"}
    assert (
        api("operator").post("/api/v1/scheduled-changes/", override, format="json").status_code
        == 403
    )
    made = api("admin").post("/api/v1/scheduled-changes/", override, format="json")
    assert made.status_code == 201, made.content
    assert made.json()["overridden"] == [f"freeze:{freeze.pk}"]
    assert made.json()["override_by"] == world.user("admin").username
    assert "override_reason" not in made.json()


def test_feed_tokens_are_shown_once_and_revocable(world: World, api, client) -> None:
    f.MaintenanceWindowFactory(
        customer=world.a, name="weekly", rrule="FREQ=WEEKLY", time_zone="Europe/Berlin"
    )
    start = timezone.now() + timedelta(days=2)
    f.FreezeWindowFactory(
        customer=world.a,
        name="NY freeze",
        time_zone="America/New_York",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        rrule="FREQ=DAILY;UNTIL=" + (start + timedelta(days=3)).strftime("%Y%m%dT%H%M%S"),
    )
    f.MaintenanceWindowFactory(customer=world.b, name="bravo's")
    made = api("admin").post(
        "/api/v1/calendar-tokens/", {"customer": world.a.pk, "name": "noc"}, format="json"
    )
    assert made.status_code == 201
    url = made.json()["url"].split("testserver")[1]
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert [str(e["summary"]) for e in events] == ["Maintenance: weekly", "Freeze: NY freeze"]
    assert events[0]["rrule"]["FREQ"] == ["WEEKLY"]
    assert "TZID=Europe/Berlin" in response.content.decode()
    # every zone named gets its VTIMEZONE (with its DST rules), and UNTIL is given in UTC
    feed = Calendar.from_ical(response.content)
    zones = {str(z["TZID"]): z for z in feed.walk("VTIMEZONE")}
    assert set(zones) == {"Europe/Berlin", "America/New_York"}
    assert zones["Europe/Berlin"].walk("DAYLIGHT") and zones["Europe/Berlin"].walk("STANDARD")
    assert feed.get_missing_tzids() == set()
    assert events[1]["rrule"]["UNTIL"][0].tzinfo is not None
    revoke = api("admin").post(f"/api/v1/calendar-tokens/{made.json()['id']}/revoke/")
    assert revoke.status_code == 200 and client.get(url).status_code == 404
    assert client.get("/calendar/cal_guessed.ics").status_code == 404
