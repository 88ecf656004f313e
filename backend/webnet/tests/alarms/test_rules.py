"""The pure rule helpers: spec validation messages, event matching and the threshold evaluator."""

from datetime import UTC, datetime, timedelta

import pytest

from webnet.alarms import conditions
from webnet.alarms.rules import (
    Observed,
    RuleError,
    matches_event,
    threshold_breached,
    validate_spec,
)

T0 = datetime(2026, 12, 1, tzinfo=UTC)


def readings(*values: float, step: int = 60):
    return [(T0 + timedelta(seconds=i * step), v) for i, v in enumerate(values)]


@pytest.mark.parametrize(
    ("kind", "spec", "field"),
    [
        ("threshold", {"metric": "cpu", "operator": "~", "value": 1}, "spec.operator"),
        ("threshold", {"metric": "cpu", "operator": ">", "value": "high"}, "spec.value"),
        ("threshold", {"operator": ">", "value": 1}, "spec.metric"),
        (
            "threshold",
            {"metric": "c", "operator": ">", "value": 1, "consecutive": 0},
            "spec.consecutive",
        ),
        ("event", {"message_regex": "(a)\\1"}, "spec.message_regex"),
        ("event", {"trap_oid": "linkDown"}, "spec.trap_oid"),
        ("event", {"source": "trap"}, "spec"),
        ("event", {"varbinds": [{"oid": "1.3", "equals": "1", "regex": "x"}]}, "spec.varbinds[0]"),
        ("event", {"trap_oid": "1.3", "color": "red"}, "spec.color"),
        ("state", {}, "spec.state"),
        ("nonsense", {}, "kind"),
    ],
)
def test_bad_specs_name_the_field(kind: str, spec: dict, field: str) -> None:
    with pytest.raises(RuleError) as error:
        validate_spec(kind, spec)
    assert field in error.value.errors


def test_trap_oid_and_varbind_regex_match() -> None:
    spec = {
        "trap_oid": conditions.LINK_DOWN,
        "varbinds": [{"oid": conditions.IF_DESCR, "regex": "^Gi"}],
    }
    validate_spec("event", spec)
    hit = Observed("trap", "", conditions.LINK_DOWN, {f"{conditions.IF_DESCR}.3": "Gi0/1"})
    miss = Observed("trap", "", conditions.LINK_DOWN, {f"{conditions.IF_DESCR}.3": "Te0/1"})
    assert matches_event(spec, hit) and not matches_event(spec, miss)
    assert not matches_event({**spec, "source": "syslog"}, hit)


def test_consecutive_polls() -> None:
    spec = {"metric": "cpu", "operator": ">=", "value": 90, "consecutive": 3}
    assert not threshold_breached(spec, readings(95, 95))
    assert threshold_breached(spec, readings(10, 95, 90, 99))
    assert not threshold_breached(spec, readings(95, 80, 95, 95))


def test_for_a_duration() -> None:
    spec = {"metric": "cpu", "operator": ">", "value": 90, "for_seconds": 300}
    assert not threshold_breached(spec, readings(95, 95, 95, 95, 95))  # 240 s so far
    assert threshold_breached(spec, readings(95, 95, 95, 95, 95, 95))  # 300 s
    assert not threshold_breached(spec, readings(95, 95, 95, 95, 95, 10))
    assert not threshold_breached(spec, [])


def test_without_duration_the_newest_reading_decides() -> None:
    spec = {"metric": "loss", "operator": ">", "value": 5}
    assert threshold_breached(spec, readings(0, 50)) and not threshold_breached(
        spec, readings(50, 0)
    )


def test_vendor_updown_lines_map_to_one_condition() -> None:
    lines = {
        "%LINK-3-UPDOWN: Interface Ethernet1, changed state to down": "raise",
        "%LINK-5-CHANGED: Interface Gi0/2, changed state to administratively down": None,
        "%LINK-3-UPDOWN: Interface Gi0/2, changed state to administratively down": "raise",
        "%ETHPORT-5-IF_DOWN_LINK_FAILURE: Interface Ethernet1/1 is down (Link failure)": "raise",
        "%ETHPORT-5-IF_UP: Interface Ethernet1/1 is up in mode access": "clear",
        "mib2d[1]: SNMP_TRAP_LINK_DOWN: ifIndex 529, ifAdminStatus up(1), ifOperStatus down(2), "
        "ifName ge-0/0/1": "raise",
        "%PKT_INFRA-LINK-3-UPDOWN : Interface GigabitEthernet0/0/0/1, changed state to Up": "clear",
    }
    for line, action in lines.items():
        meaning = conditions.of_syslog(line)
        got = meaning.action if meaning and meaning.condition == "interface.down" else None
        assert got == action, line
