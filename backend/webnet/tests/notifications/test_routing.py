"""The pure matcher: severity, topic, location subtree, group, tag, weekday and time of day."""

from datetime import UTC, datetime, time

from webnet.notifications.routing import Criteria, Subject, in_window, matches, quiet

MONDAY_0830_UTC = datetime(2026, 11, 30, 8, 30, tzinfo=UTC)


def subject(**kwargs: object) -> Subject:
    base: dict = {"topic": "alarm", "severity": "major", "at": MONDAY_0830_UTC}
    return Subject(**{**base, **kwargs})


def test_empty_criteria_match_everything() -> None:
    assert matches(Criteria(), subject(severity="info"))


def test_severity_is_a_floor() -> None:
    assert matches(Criteria(min_severity="major"), subject(severity="critical"))
    assert matches(Criteria(min_severity="major"), subject(severity="major"))
    assert not matches(Criteria(min_severity="major"), subject(severity="minor"))


def test_topic_must_equal_when_set() -> None:
    assert not matches(Criteria(topic="incident"), subject())
    assert matches(Criteria(topic="alarm"), subject())


def test_location_rule_matches_its_subtree_through_the_ancestor_path() -> None:
    criteria = Criteria(location_ids=frozenset({10}))
    # given a message at location 12 whose ancestors are 11 and 10
    assert matches(criteria, subject(location_path=frozenset({12, 11, 10})))
    assert not matches(criteria, subject(location_path=frozenset({22, 20})))
    assert not matches(criteria, subject())


def test_group_and_tag_must_contain_the_device() -> None:
    assert matches(Criteria(group_id=3, tag_id=7), subject(group_ids={3}, tag_ids={7, 8}))
    assert not matches(Criteria(group_id=3), subject(group_ids={4}))
    assert not matches(Criteria(tag_id=7), subject(tag_ids=frozenset()))


def test_time_of_day_is_read_in_the_rules_zone() -> None:
    # 08:30 UTC is 09:30 in Berlin (CET) and 03:30 in New York.
    office = Criteria(start=time(9), end=time(17), time_zone="Europe/Berlin")
    assert matches(office, subject())
    assert not matches(
        Criteria(start=time(9), end=time(17), time_zone="America/New_York"), subject()
    )


def test_weekdays_are_local_days() -> None:
    # Monday 00:30 UTC is still Sunday evening in New York.
    late = datetime(2026, 11, 30, 0, 30, tzinfo=UTC)
    assert matches(Criteria(weekdays=frozenset({0})), subject(at=late))
    assert not matches(
        Criteria(weekdays=frozenset({0}), time_zone="America/New_York"), subject(at=late)
    )


def test_windows_wrap_past_midnight() -> None:
    night = (time(22), time(6))
    assert in_window(datetime(2026, 11, 30, 23, 0, tzinfo=UTC), *night, "UTC")
    assert in_window(datetime(2026, 11, 30, 5, 59, tzinfo=UTC), *night, "UTC")
    assert not in_window(datetime(2026, 11, 30, 6, 0, tzinfo=UTC), *night, "UTC")


def test_no_quiet_hours_is_never_quiet() -> None:
    assert not quiet(MONDAY_0830_UTC, None, None, "UTC")
    assert quiet(MONDAY_0830_UTC, time(8), time(9), "UTC")
