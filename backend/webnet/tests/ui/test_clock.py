"""Times: one format with the zone named, in the profile's zone, else the browser's, else UTC;
and no page formats a time any other way."""

import re
import zoneinfo
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from webnet.tests.conftest import World
from webnet.ui import clock

AT = datetime(2026, 7, 1, 19, 49, 33, tzinfo=UTC)


def test_when_names_the_zone() -> None:
    assert clock.when(AT) == "2026-07-01 19:49:33 UTC"
    with timezone.override(zoneinfo.ZoneInfo("Europe/Berlin")):
        assert clock.when(AT) == "2026-07-01 21:49:33 CEST"
        assert clock.clock_props() == {
            "zone": "Europe/Berlin",
            "names": {"60": "CET", "120": "CEST"},
        }
    assert clock.when(None) == ""


def test_profile_zone_wins_over_the_browsers_and_bad_zones_are_ignored(
    ui: Callable[[str], Client], world: World
) -> None:
    client = ui("viewer")
    client.cookies[clock.COOKIE] = "Asia/Tokyo"
    page = client.get(reverse("ui:profile"))
    assert b"The browser&#x27;s (Asia/Tokyo)" in page.content and b" JST" in page.content
    refused = client.post(reverse("ui:profile"), {"time_zone": "Mars/Olympus"})
    assert refused.status_code == 400
    client.post(reverse("ui:profile"), {"time_zone": "America/New_York"})
    world.viewer.refresh_from_db()
    assert world.viewer.time_zone == "America/New_York"
    assert b" EST" in client.get(reverse("ui:profile")).content
    client.cookies[clock.COOKIE] = "not a zone"
    client.post(reverse("ui:profile"), {"time_zone": ""})
    assert b" UTC" in client.get(reverse("ui:profile")).content


def test_no_template_formats_a_time_but_with_when() -> None:
    root = Path(settings.BASE_DIR) / "templates"
    assert (root / "base.html").exists()
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.html")
        if re.search(r"\|(date|time)(:|\s|\}|\|)", path.read_text())
    ]
    assert offenders == []


def test_the_api_answers_in_utc_whatever_the_users_zone(world: World) -> None:
    from rest_framework.test import APIClient

    from webnet.tests import factories

    factories.DeviceFactory(customer=world.a)
    world.viewer.time_zone = "Asia/Tokyo"
    world.viewer.save()
    client = APIClient()
    client.force_login(world.viewer)
    created = client.get("/api/v1/devices/").json()["results"][0]["created_at"]
    assert created.endswith("Z") or created.endswith("+00:00")
