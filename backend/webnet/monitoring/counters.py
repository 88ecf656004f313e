"""Rates from two counter readings, without spikes: pure functions, no Django.

Counters are stored as read (the poller never differentiates). A counter that went down either
wrapped (it passed its width: 2^32 for ifInOctets, 2^64 for ifHCInOctets) or was reset (the
device rebooted or someone cleared counters). A reboot is known from sysUpTime going backwards
and gives no rate; a fall without a reboot is taken as a wrap only when the wrapped delta is
plausible for the interface's speed, else it is a reset and gives no rate either.
"""

WIDTH_32 = 2**32
WIDTH_64 = 2**64
# A rate may exceed the nominal speed a little (speed rounding, bursts between reads).
SPEED_SLACK = 1.5


def rebooted(previous_ticks: int | None, current_ticks: int | None) -> bool:
    """sysUpTime went backwards: the agent restarted since the previous reading."""
    if previous_ticks is None or current_ticks is None:
        return False
    return current_ticks < previous_ticks


def counter_delta(previous: int, current: int) -> int:
    """The increase from `previous` to `current`, through one wrap when `current` is lower.

    The width is 32 bits when the previous value fits in 32 bits (ifInOctets style), else 64."""
    if current >= previous:
        return current - previous
    width = WIDTH_32 if previous < WIDTH_32 else WIDTH_64
    return width - previous + current


def rate(
    previous: int | None,
    current: int | None,
    seconds: float,
    *,
    restarted: bool = False,
    max_per_second: float = 0.0,
) -> float | None:
    """Units per second between two readings `seconds` apart, or None when there is no honest
    answer (a reading is missing, no time passed, the agent restarted, or the only explanation
    of the change is a reset). `max_per_second` (0: unknown) bounds a plausible rate."""
    if previous is None or current is None or seconds <= 0 or restarted:
        return None
    if previous < 0 or current < 0:
        return None
    value = counter_delta(previous, current) / seconds
    if max_per_second > 0 and value > max_per_second * SPEED_SLACK:
        return None
    return value


def bits_rate(
    previous: int | None,
    current: int | None,
    seconds: float,
    *,
    restarted: bool = False,
    speed_bps: int = 0,
) -> float | None:
    """Bits per second from two octet counters, bounded by the interface speed when known."""
    octets = rate(previous, current, seconds, restarted=restarted, max_per_second=speed_bps / 8)
    return None if octets is None else octets * 8


def utilisation(in_bps: float | None, out_bps: float | None, speed_bps: int) -> float | None:
    """The busier direction as a percentage of the speed (None when either is unknown)."""
    if speed_bps <= 0 or (in_bps is None and out_bps is None):
        return None
    return min(100.0, 100.0 * max(in_bps or 0.0, out_bps or 0.0) / speed_bps)
