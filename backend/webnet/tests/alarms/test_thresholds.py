"""Threshold rules run on the samples each poll batch stores: N consecutive polls and for a
duration; one alarm while breached, cleared when the readings come back."""

import pytest

from webnet.alarms.models import Alarm
from webnet.monitoring.persist import record_polls
from webnet.tests import factories as f
from webnet.tests.monitoring.test_persist import poll

pytestmark = pytest.mark.django_db


def _states(device) -> dict[str, str]:
    return dict(Alarm.objects.filter(device=device).values_list("condition", "state"))


def test_consecutive_and_duration_rules_raise_after_enough_polls_and_clear() -> None:
    device = f.DeviceFactory()
    for name, extra in (("cpu-3-polls", {"consecutive": 3}), ("cpu-2-min", {"for_seconds": 120})):
        f.AlarmRuleFactory(
            customer=device.customer,
            name=name,
            kind="threshold",
            condition=f"cpu.{name}",
            spec={"metric": "cpu_pct", "operator": ">", "value": 90, **extra},
        )
    # polls every 60 s: 95 % at cycles 1, 2, 3 (cycle 0 is 12 %)
    record_polls([poll(device, 0)])
    record_polls([poll(device, 1, cpu_pct=95.0)])
    record_polls([poll(device, 2, cpu_pct=96.0)])
    assert _states(device) == {}  # two polls over, 60 s long: neither rule yet
    record_polls([poll(device, 3, cpu_pct=97.0)])
    assert _states(device) == {"cpu.cpu-3-polls": "active", "cpu.cpu-2-min": "active"}
    record_polls([poll(device, 4, cpu_pct=98.0)])
    assert Alarm.objects.filter(device=device).count() == 2  # still the same two alarms
    record_polls([poll(device, 5, cpu_pct=20.0)])
    assert _states(device) == {"cpu.cpu-3-polls": "cleared", "cpu.cpu-2-min": "cleared"}
