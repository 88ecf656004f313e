"""Rates never spike and never go negative, whatever the counters do."""

from hypothesis import given
from hypothesis import strategies as st

from webnet.monitoring.counters import (
    WIDTH_32,
    WIDTH_64,
    bits_rate,
    rate,
    rebooted,
    utilisation,
)

seconds = st.floats(min_value=1.0, max_value=3600.0)


@given(
    start=st.integers(min_value=0, max_value=WIDTH_32 - 1),
    step=st.integers(min_value=0, max_value=WIDTH_32 - 1),
    interval=seconds,
)
def test_a_32_bit_counter_that_wraps_gives_the_true_rate(start, step, interval) -> None:
    """given a 32-bit counter moving by `step` (wrapping past 2^32) / then the rate is step/s."""
    current = (start + step) % WIDTH_32
    assert rate(start, current, interval) == step / interval


@given(
    start=st.integers(min_value=WIDTH_32, max_value=WIDTH_64 - 1),
    step=st.integers(min_value=0, max_value=2**40),
    interval=seconds,
)
def test_a_64_bit_counter_that_wraps_gives_the_true_rate(start, step, interval) -> None:
    current = (start + step) % WIDTH_64
    assert rate(start, current, interval) == step / interval


@given(
    previous=st.integers(min_value=0, max_value=WIDTH_64 - 1),
    current=st.integers(min_value=0, max_value=WIDTH_64 - 1),
    interval=seconds,
    speed=st.integers(min_value=0, max_value=400 * 10**9),
)
def test_a_rate_is_never_negative_and_never_far_above_the_speed(
    previous, current, interval, speed
) -> None:
    value = bits_rate(previous, current, interval, speed_bps=speed)
    assert value is None or value >= 0
    if speed and value is not None:
        assert value <= speed * 1.5 + 1e-6


@given(
    previous=st.integers(min_value=0, max_value=WIDTH_64 - 1),
    current=st.integers(min_value=0, max_value=WIDTH_64 - 1),
    interval=seconds,
)
def test_a_restarted_agent_gives_no_rate(previous, current, interval) -> None:
    assert rate(previous, current, interval, restarted=True) is None


def test_a_reset_counter_on_a_fast_link_is_not_taken_for_a_wrap() -> None:
    """given a 64-bit counter cleared from 5e12 to 1000 on a 1 Gb/s link / then no rate:
    the wrapped delta (~2^64) is impossible at that speed, so it was a reset."""
    assert bits_rate(5 * 10**12, 1000, 60.0, speed_bps=10**9) is None


def test_sysuptime_going_backwards_is_a_reboot() -> None:
    assert rebooted(360_000, 500)
    assert not rebooted(500, 360_000)
    assert not rebooted(None, 500)


def test_missing_readings_and_no_elapsed_time_give_no_rate() -> None:
    assert rate(None, 10, 60.0) is None
    assert rate(10, None, 60.0) is None
    assert rate(10, 20, 0.0) is None


def test_utilisation_is_the_busier_direction() -> None:
    assert utilisation(100e6, 250e6, 10**9) == 25.0
    assert utilisation(None, None, 10**9) is None
    assert utilisation(5e9, 0.0, 10**9) == 100.0
    assert utilisation(1.0, 1.0, 0) is None
