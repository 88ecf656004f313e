"""What a poll says about a device, and flap damping: pure functions over the poll contract.

- ICMP sent and nothing came back → down (unreachable when every parent is down too, decided by
  the caller who knows the parents).
- The poll hit its deadline with no ICMP answer to go by → poll_timeout: the poller could not
  tell, which is not the same as down.
- The device answers but not fully (ICMP loss, or SNMP timed out / refused us) → degraded.
- Otherwise up.
Flapping: FLAP_CHANGES observed changes within FLAP_WINDOW_S hold the state at `flapping` until
the window is quiet again.
"""

from webnet.monitoring.models import State
from webnet.monitoring.poller.types import DevicePoll

FLAP_CHANGES = 4
FLAP_WINDOW_S = 600.0
FAILED = frozenset({State.DOWN, State.UNREACHABLE})
AVAILABLE = frozenset({State.UP, State.DEGRADED, State.FLAPPING})


def observe(poll: DevicePoll) -> tuple[State, str]:
    """The state this poll shows, and why."""
    icmp = poll.icmp
    if icmp is not None and icmp.sent and icmp.received == 0:
        return State.DOWN, "no ICMP reply"
    if poll.outcome == "timeout" and icmp is None:
        return State.POLL_TIMEOUT, poll.error or "the poll did not finish in time"
    if poll.outcome != "ok":
        reason = {"timeout": "SNMP did not answer", "auth_error": "SNMP refused our credentials"}
        return State.DEGRADED, poll.error or reason.get(poll.outcome, "SNMP error")
    if icmp is not None and icmp.loss_pct > 0:
        return State.DEGRADED, f"ICMP loss {icmp.loss_pct:.0f}%"
    return State.UP, ""


def answered(poll: DevicePoll) -> bool:
    """The device itself gave a sign of life in this poll (ICMP reply or any SNMP answer)."""
    if poll.icmp is not None and poll.icmp.received > 0:
        return True
    return poll.outcome in ("ok", "auth_error")


def damp(
    current: str, observed_before: str, observed: str, recent: list[float], now: float
) -> tuple[str, list[float]]:
    """The state to show, and the recent-change list to keep, after observing `observed`.

    `recent` holds the epoch seconds of previous observed changes; changes older than the
    window fall out."""
    recent = [t for t in recent if now - t < FLAP_WINDOW_S]
    if observed != observed_before and observed_before != State.UNKNOWN:
        recent.append(now)
    if len(recent) >= FLAP_CHANGES:
        return State.FLAPPING, recent
    if current == State.FLAPPING and recent:
        return State.FLAPPING, recent
    return observed, recent
