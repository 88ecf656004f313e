"""The tick runs every registered periodic callable; one that fails does not stop the rest."""

from datetime import UTC, datetime

import pytest

from webnet.jobs import periodic, scheduler


@pytest.mark.django_db
def test_the_tick_runs_registered_work_and_survives_a_failure() -> None:
    seen: list[datetime] = []

    def broken(now: datetime) -> None:
        raise RuntimeError("boom")

    periodic.register("test.broken", broken)
    periodic.register("test.counter", lambda now: seen.append(now) or len(seen))
    now = datetime(2026, 12, 1, tzinfo=UTC)
    try:
        result = scheduler.tick(now)
    finally:
        periodic._registry.pop("test.broken")
        periodic._registry.pop("test.counter")
    assert result["periodic"]["test.broken"] == "failed"
    assert result["periodic"]["test.counter"] == 1 and seen == [now]
