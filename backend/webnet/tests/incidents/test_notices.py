"""Incident notices: a P1/P2 incident has one public notice derived from its log; each status
word is appended once, a resolved notice lingers and then lives in the history, an operator's
edit stands, and no customer ever sees another's (or the NOC's working text)."""

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from webnet.incidents import notices, services
from webnet.incidents.models import Incident
from webnet.maintenance import announcements, status_page
from webnet.maintenance.models import Announcement, AnnouncementUpdate, StatusPage
from webnet.tests import factories as f
from webnet.tests.conftest import World

SECRET_TITLE = "core-1 bgp flap, ask Jane"


@pytest.fixture
def pages(world: World) -> dict[str, Any]:
    StatusPage.objects.create(customer=world.a, is_public=True)
    private = StatusPage.objects.create(customer=world.b)
    return {"token": status_page.rotate_token(None, private)}


@pytest.fixture
def commit(django_capture_on_commit_callbacks: Any) -> Any:
    """Run a service as a request would: its on_commit hooks (the notice sync) fire after it."""

    def run(fn: Any, *args: Any, **kwargs: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run


def _open(world: World, commit: Any, priority: str = "p1", **kwargs: Any) -> Incident:
    site = f.SiteFactory(customer=world.a, name="FRA1", time_zone="Europe/Berlin")
    room = f.LocationFactory(site=site)
    return commit(
        services.open_incident,
        world.operator,
        customer=world.a,
        title=SECRET_TITLE,
        description="device core-1.fra1, Jane's notes",
        priority=priority,
        locations=[room],
        **kwargs,
    )


def _words(incident: Incident) -> list[str]:
    notice = Announcement.objects.get(source=f"incident:{incident.pk}")
    return list(notice.updates.values_list("body", flat=True))


def _notices_html(body: str) -> str:
    return body.split('id="status-notices"')[1].split('aria-label="Components"')[0]


def test_a_p1_incident_has_one_notice_on_the_public_page_and_the_banner(
    world: World, pages: dict[str, Any], commit: Any
) -> None:
    incident = _open(world, commit)
    (notice,) = Announcement.objects.all()
    assert notice.source == f"incident:{incident.pk}" and notice.customer_id == world.a.pk
    assert notice.title == "Service disruption — FRA1"
    assert notice.get_priority_display() == "Critical"
    assert "CET" in notice.body or "CEST" in notice.body  # the site's zone, named
    body = Client().get("/status/alpha/").text
    assert "Service disruption — FRA1" in _notices_html(body)
    for secret in ("core-1", "Jane", "bgp"):
        assert secret not in body
    console = Client()
    console.force_login(world.viewer)
    page = console.get("/announcements/").text
    banner = page.split('id="announcement-banners"')[1].split("</main>")[0]
    assert f'data-banner="{notice.pk}"' in banner and "Service disruption — FRA1" in banner


def test_another_customer_never_sees_the_notice(
    world: World, pages: dict[str, Any], commit: Any
) -> None:
    _open(world, commit)
    private = Client().get("/status/bravo/", {"token": pages["token"]})
    assert private.status_code == 200 and "Service disruption" not in private.text
    assert "FRA1" not in private.text
    assert announcements.banners_for(world.outsider, world.b, timezone.now()) == []
    assert announcements.banners_for(world.outsider, world.a, timezone.now()) == []


def test_ack_resolve_reopen_append_one_word_each_and_a_repeated_sync_writes_nothing(
    world: World, pages: dict[str, Any], commit: Any
) -> None:
    incident = _open(world, commit)
    commit(services.acknowledge_incident, world.operator, incident, note="Jane on site")
    commit(services.set_status, world.operator, incident, status="waiting_vendor")
    resolved = timezone.now()
    commit(services.resolve_incident, world.operator, incident, note="replaced optic", at=resolved)
    notice = Announcement.objects.get()
    assert notice.expire_at == resolved + timedelta(minutes=60)  # the default linger
    commit(services.reopen_incident, world.operator, incident)
    words = _words(incident)
    assert words[0] == "We are investigating." and words[2] == "The disruption has returned."
    assert words[1].startswith("Resolved at ") and words[1].endswith(("CET.", "CEST."))
    assert len(words) == 3
    notice.refresh_from_db()
    assert notice.expire_at is None  # reopened: up again until resolved
    stamp = notice.updated_at
    notices.sync_incident(incident.pk)
    notices.sync_incident(incident.pk)
    notices.tick(timezone.now())
    notice.refresh_from_db()
    assert AnnouncementUpdate.objects.count() == 3 and notice.updated_at == stamp
    text = Client().get("/status/alpha/").text
    assert "We are investigating." in text and "The disruption has returned." in text
    assert "optic" not in text and "Jane" not in text


def test_a_p3_incident_has_no_notice_until_it_is_raised_to_p1(
    world: World, pages: dict[str, Any], commit: Any
) -> None:
    incident = _open(world, commit, priority="p3")
    commit(services.acknowledge_incident, world.operator, incident)
    notices.tick(timezone.now())
    assert not Announcement.objects.exists()
    assert "Service disruption" not in Client().get("/status/alpha/").text
    raised = timezone.now()
    commit(services.set_priority, world.operator, incident, priority="p1", at=raised)
    (notice,) = Announcement.objects.all()
    assert notice.publish_at == raised
    assert _words(incident) == ["We are investigating."]  # it was already being worked on
    assert "Service disruption — FRA1" in _notices_html(Client().get("/status/alpha/").text)


def test_a_resolved_notice_lingers_then_lives_in_history_and_reopening_brings_it_back(
    world: World, pages: dict[str, Any], commit: Any, settings: Any
) -> None:
    settings.WEBNET_INCIDENT_NOTICE_LINGER_MINUTES = 30
    incident = _open(world, commit)
    resolved = timezone.now()
    commit(services.resolve_incident, world.operator, incident, at=resolved)
    with time_machine.travel(resolved + timedelta(minutes=29)):
        assert "Service disruption" in _notices_html(Client().get("/status/alpha/").text)
    later = resolved + timedelta(minutes=31)
    with time_machine.travel(later):
        body = Client().get("/status/alpha/").text
        assert "Service disruption" not in _notices_html(body)
        assert "Service disruption — FRA1" in body.split('id="status-history"')[1]
        commit(services.reopen_incident, world.operator, incident)
        assert "Service disruption" in _notices_html(Client().get("/status/alpha/").text)


def test_an_operator_edit_of_the_notice_survives_later_syncs(
    world: World, pages: dict[str, Any], commit: Any
) -> None:
    incident = _open(world, commit)
    notice = Announcement.objects.get()
    edits = {"title": "Outage in Frankfurt", "body": "Engineers are on their way.", "priority": 2}
    announcements.update_announcement(world.admin, notice, edits)
    commit(services.acknowledge_incident, world.operator, incident)
    commit(services.resolve_incident, world.operator, incident)
    notices.tick(timezone.now())
    notice.refresh_from_db()
    assert (notice.title, notice.body, notice.priority) == tuple(edits.values())
    assert notice.expire_at is not None and len(_words(incident)) == 2


def test_the_tick_catches_up_on_a_lost_hook(world: World, pages: dict[str, Any]) -> None:
    # Under the plain `db` fixture on_commit never fires: like a worker that died after commit.
    room = f.LocationFactory(site=f.SiteFactory(customer=world.a, name="AMS2"))
    incident = services.open_incident(
        None, customer=world.a, title="lost", priority="p2", locations=[room]
    )
    services.acknowledge_incident(None, incident)
    assert not Announcement.objects.exists()
    from webnet.jobs import periodic

    periodic._registry["incidents"](timezone.now())
    notice = Announcement.objects.get()
    assert notice.title == "Service disruption — AMS2" and "UTC" in notice.body
    assert _words(incident) == ["We are investigating."]
    services.resolve_incident(None, incident)
    notices.tick(timezone.now())  # the notice is still up, so the tick looks at it again
    assert len(_words(incident)) == 2


def test_the_log_replay_says_each_word_once_per_episode() -> None:
    t0 = datetime(2026, 7, 1, 10, 0, tzinfo=UTC)
    at = [t0 + timedelta(minutes=n) for n in range(9)]
    lines = [
        (1, "opened", "triggered", at[0], {"priority": "p2"}),
        (2, "note", "", at[1], {"text": "Jane"}),
        (3, "status", "acknowledged", at[2], {}),
        (4, "status", "triggered", at[3], {"from": "acknowledged"}),  # ack timeout
        (5, "status", "acknowledged", at[4], {}),  # the same episode: no second word
        (6, "priority", "p4", at[5], {}),  # lowered: the notice stays
        (7, "status", "resolved", at[6], {}),
        (8, "status", "closed", at[7], {}),  # no word, the expiry counts from resolution
    ]
    plan = notices.plan(lines, ZoneInfo("America/New_York"))
    assert (plan.public_at, plan.priority, plan.resolved_at) == (at[0], "p2", at[6])
    assert plan.words == [
        ("seq:3", "We are investigating."),
        ("seq:7", "Resolved at 2026-07-01 06:06:00 EDT."),
    ]
    reopened = notices.plan([*lines, (9, "status", "triggered", at[8], {})], ZoneInfo("UTC"))
    assert reopened.resolved_at is None and reopened.words[-1] == (
        "seq:9",
        "The disruption has returned.",
    )
    quiet = [(1, "opened", "triggered", at[0], {"priority": "p3"}), *lines[2:5]]
    assert notices.plan(quiet, ZoneInfo("UTC")).public_at is None
