"""Incident configuration pages: roles as in the API, another customer's objects are 404, bad
input is a field error (never a 500), repeating rows skip their blank rows."""

from collections.abc import Callable
from datetime import UTC, date, datetime, time

from django.test import Client
from django.urls import reverse

from webnet.core.models import AuditEvent
from webnet.incidents.models import (
    BusinessCalendar,
    EscalationChain,
    OnCallSchedule,
    Override,
    Rotation,
    SlaPolicy,
    Team,
)
from webnet.tests import factories
from webnet.tests.conftest import World


def rows(prefix_rows: list[dict[str, object]], initial: int = 0) -> dict[str, object]:
    """A formset's POST: the given rows, then three blank ones (as the page sends them)."""
    data: dict[str, object] = {
        "rows-TOTAL_FORMS": len(prefix_rows) + 3,
        "rows-INITIAL_FORMS": initial,
    }
    for index, row in enumerate(prefix_rows):
        data.update({f"rows-{index}-{key}": value for key, value in row.items()})
    return data


def schedule_with_rotation(world: World) -> tuple[OnCallSchedule, Rotation]:
    schedule = factories.OnCallScheduleFactory(customer=world.a, name="noc")
    rotation = Rotation.objects.create(
        customer=world.a,
        schedule=schedule,
        name="primary",
        handoff_time=time(9),
        start_date=date(2026, 1, 1),
    )
    return schedule, rotation


def test_every_page_renders_for_an_admin_and_the_nav_links_them(
    ui: Callable[[str], Client], world: World
) -> None:
    schedule, rotation = schedule_with_rotation(world)
    client = ui("admin")
    for prefix in (
        "team",
        "incident_rule",
        "business_calendar",
        "sla_policy",
        "escalation_chain",
        "oncall_schedule",
    ):
        for page in ("list", "create"):
            assert client.get(reverse(f"ui:{prefix}_{page}")).status_code == 200, prefix
    for name, pk in (
        ("oncall_schedule_detail", schedule.pk),
        ("rotation_create", schedule.pk),
        ("rotation_edit", rotation.pk),
        ("override_create", schedule.pk),
    ):
        assert client.get(reverse(f"ui:{name}", args=[pk])).status_code == 200, name
    nav = client.get(reverse("ui:oncall")).content.decode()
    for label in ("On-call schedules", "Teams", "Escalation chains", "SLA policies"):
        assert label in nav


def test_viewers_read_admins_shape_operators_only_override(
    ui: Callable[[str], Client], world: World
) -> None:
    schedule, rotation = schedule_with_rotation(world)
    viewer, operator = ui("viewer"), ui("operator")
    assert viewer.get(reverse("ui:team_list")).status_code == 200
    assert viewer.get(reverse("ui:team_create")).status_code == 403
    assert viewer.post(reverse("ui:team_create"), {"name": "x"}).status_code == 403
    assert operator.post(reverse("ui:escalation_chain_create"), {"name": "x"}).status_code == 403
    assert operator.get(reverse("ui:rotation_edit", args=[rotation.pk])).status_code == 403
    detail = operator.get(reverse("ui:oncall_schedule_detail", args=[schedule.pk]))
    assert b'id="add-override"' in detail.content and b'id="add-rotation"' not in detail.content
    made = operator.post(
        reverse("ui:override_create", args=[schedule.pk]),
        {"user": world.operator.pk, "start": "2026-03-01T08:00", "end": "2026-03-01T20:00"},
    )
    assert made.status_code == 302
    assert not Team.objects.exists() and not EscalationChain.objects.exists()


def test_another_customers_objects_are_not_found(ui: Callable[[str], Client], world: World) -> None:
    team = factories.TeamFactory(customer=world.b)
    schedule = factories.OnCallScheduleFactory(customer=world.b)
    rotation = Rotation.objects.create(
        customer=world.b,
        schedule=schedule,
        name="theirs",
        handoff_time=time(9),
        start_date=date(2026, 1, 1),
    )
    client = ui("admin")
    for name, pk in (
        ("team_edit", team.pk),
        ("team_delete", team.pk),
        ("oncall_schedule_detail", schedule.pk),
        ("rotation_create", schedule.pk),
        ("rotation_edit", rotation.pk),
        ("override_create", schedule.pk),
    ):
        assert client.get(reverse(f"ui:{name}", args=[pk])).status_code == 404, name
    stolen = client.post(
        reverse("ui:team_create"), {"name": "mine", "members": [world.outsider.pk]}
    )
    assert stolen.status_code == 400 and b"members" in stolen.content
    assert not Team.objects.filter(name="mine").exists()


def test_a_chain_saves_its_filled_step_rows_in_order_and_ignores_blank_ones(
    ui: Callable[[str], Client], world: World
) -> None:
    team = factories.TeamFactory(customer=world.a, name="noc")
    schedule = factories.OnCallScheduleFactory(customer=world.a)
    client = ui("admin")
    steps = [
        {"wait_minutes": "0", "target_kind": "schedule", "schedule": schedule.pk},
        {},  # a blank row between filled ones
        {"wait_minutes": "15", "target_kind": "team", "team": team.pk},
    ]
    made = client.post(reverse("ui:escalation_chain_create"), {"name": "core", **rows(steps)})
    assert made.status_code == 302, made.content.decode()[:2000]
    chain = EscalationChain.objects.get(name="core")
    assert [
        (s.position, s.wait_seconds, s.target_kind, s.team_id, s.schedule_id)
        for s in chain.steps.all()
    ] == [(1, 0, "schedule", None, schedule.pk), (2, 900, "team", team.pk, None)]
    edit = reverse("ui:escalation_chain_edit", args=[chain.pk])
    assert b'value="15"' in client.get(edit).content
    refused = client.post(edit, {"name": "core", **rows([{"target_kind": "team"}])})
    assert refused.status_code == 400 and b"A team step names its team." in refused.content
    assert chain.steps.count() == 2
    client.post(edit, {"name": "core", **rows([{"target_kind": "user", "user": world.admin.pk}])})
    assert [s.target_kind for s in chain.steps.all()] == ["user"]
    assert AuditEvent.objects.filter(object_type__icontains="escalationstep").exists()


def test_a_rotation_walks_its_member_rows_and_the_schedule_says_who_is_on_call(
    ui: Callable[[str], Client], world: World
) -> None:
    schedule = factories.OnCallScheduleFactory(customer=world.a, name="noc")
    client = ui("admin")
    made = client.post(
        reverse("ui:rotation_create", args=[schedule.pk]),
        {
            "name": "primary",
            "layer": "0",
            "length_days": "7",
            "handoff_time": "09:00",
            "time_zone": "Europe/Berlin",
            "start_date": "2020-01-06",
            **rows([{"user": world.operator.pk}, {}, {"user": world.admin.pk}]),
        },
    )
    assert made.status_code == 302
    rotation = Rotation.objects.get(schedule=schedule)
    assert [m.user_id for m in rotation.members.all()] == [world.operator.pk, world.admin.pk]
    page = client.get(reverse("ui:oncall_schedule_detail", args=[schedule.pk])).content.decode()
    assert 'class="oncall-now"' in page and "09:00 Europe/Berlin" in page
    assert " UTC" in page  # times with the zone named
    bad = client.post(
        reverse("ui:rotation_create", args=[schedule.pk]),
        {"name": "x", "layer": "0", "length_days": "0", "handoff_time": "9", "time_zone": "Mars"},
    )
    assert bad.status_code == 400
    for message in (b"Between 1 (daily)", b"Unknown time zone.", b"ManagementForm"):
        assert message in bad.content


def test_an_override_is_read_in_the_users_zone(ui: Callable[[str], Client], world: World) -> None:
    schedule = factories.OnCallScheduleFactory(customer=world.a)
    world.operator.time_zone = "Europe/Berlin"
    world.operator.save()
    client = ui("operator")
    form = client.get(reverse("ui:override_create", args=[schedule.pk])).content
    assert b"In your time zone (Europe/Berlin)" in form
    url = reverse("ui:override_create", args=[schedule.pk])
    backwards = client.post(
        url, {"user": world.operator.pk, "start": "2026-03-01T20:00", "end": "2026-03-01T08:00"}
    )
    assert backwards.status_code == 400 and b"Ends after it starts." in backwards.content
    client.post(
        url, {"user": world.operator.pk, "start": "2026-03-01T08:00", "end": "2026-03-01T20:00"}
    )
    override = Override.objects.get()
    assert override.start == datetime(2026, 3, 1, 7, tzinfo=UTC)
    page = client.get(reverse("ui:oncall_schedule_detail", args=[schedule.pk]))
    assert b"2026-03-01 08:00:00 CET" in page.content


def test_an_sla_policy_takes_minutes_per_priority_and_refuses_bad_input(
    ui: Callable[[str], Client], world: World
) -> None:
    client = ui("admin")
    made = client.post(
        reverse("ui:sla_policy_create"),
        {"name": "gold", "at_risk_percent": "75", "target_p1_acknowledge": "15"},
    )
    assert made.status_code == 302
    assert SlaPolicy.objects.get(name="gold").targets == {"p1": {"acknowledge": 900}}
    for bad in ({"at_risk_percent": "0"}, {"target_p2_resolve_total": "-5"}):
        refused = client.post(reverse("ui:sla_policy_create"), {"name": "x", **bad})
        assert refused.status_code == 400
        assert b"field-error" in refused.content


def test_a_calendar_keeps_its_weekly_hour_rows_and_hostile_input_is_a_field_error(
    ui: Callable[[str], Client], world: World
) -> None:
    client = ui("admin")
    hours = [{"day": "0", "start": "09:00", "end": "17:00"}, {}, {"day": "4", "start": "09:00"}]
    base = {"name": "office", "time_zone": "Europe/Berlin", "holiday_country": "DE"}
    half = client.post(reverse("ui:business_calendar_create"), {**base, **rows(hours)})
    assert half.status_code == 400 and b"A range names its day, start and end." in half.content
    hours[2]["end"] = "00:00"
    made = client.post(
        reverse("ui:business_calendar_create"),
        {**base, "extra_holidays_text": "2026-12-24, 2026-12-31", **rows(hours)},
    )
    assert made.status_code == 302
    calendar = BusinessCalendar.objects.get(name="office")
    assert calendar.weekly_hours == {"0": [["09:00", "17:00"]], "4": [["09:00", "00:00"]]}
    assert calendar.extra_holidays == ["2026-12-24", "2026-12-31"]
    for hostile in (
        {"name": "a\x00b"},
        {"name": "x" * 500},
        {"holiday_country": "ZZ"},
        {"extra_holidays_text": "soon"},
        {"time_zone": "x" * 500},
    ):
        refused = client.post(
            reverse("ui:business_calendar_create"), {**base, **hostile, **rows([])}
        )
        assert refused.status_code == 400, hostile
        assert b"field-error" in refused.content or b"alert-error" in refused.content


def test_a_rule_names_a_visible_subtree(ui: Callable[[str], Client], world: World) -> None:
    region = factories.RegionFactory(customer=world.a)
    theirs = factories.RegionFactory(customer=world.b)
    client = ui("admin")
    base = {"name": "core down", "order": "10", "min_severity": "major", "priority": "p1"}
    for within in ("somewhere", f"region:{theirs.pk}"):
        refused = client.post(reverse("ui:incident_rule_create"), {**base, "within": within})
        assert refused.status_code == 400 and b"field-error" in refused.content
    made = client.post(
        reverse("ui:incident_rule_create"), {**base, "within": f"region:{region.pk}"}
    )
    assert made.status_code == 302
    assert b"within region:" in client.get(reverse("ui:incident_rule_list")).content
