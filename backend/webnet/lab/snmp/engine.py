"""GET / GETNEXT / GETBULK / SET over a device's MIB state (RFC 3416 §4.2), the same for v2c and v3.

GETBULK follows the RFC: the first `non-repeaters` varbinds get one successor each, the rest
`max-repetitions` successors, endOfMibView past the end (the walk stops once every column has
hit it), and the varbind list is cut at the message size the manager can take.
"""

from __future__ import annotations

from . import ber
from .mib import MibState

NO_ERROR, TOO_BIG, NOT_WRITABLE = 0, 1, 17
HEADROOM = 128  # bytes for the message and PDU headers around the varbinds
MAX_REPETITIONS = 1000


def _missing(state: MibState, oid: tuple[int, ...]) -> bytes:
    if state.layout.has_object(oid):
        return ber.NO_SUCH_INSTANCE_VALUE
    return ber.NO_SUCH_OBJECT_VALUE


def _next(state: MibState, oid: tuple[int, ...]) -> bytes:
    layout = state.layout
    pos = layout.after(oid)
    if pos < len(layout.oids):
        return ber.varbind(layout.encoded[pos], state.value(pos))
    return ber.varbind(ber.oid(oid), ber.END_OF_MIB_VIEW_VALUE)


def _get(state: MibState, oid: tuple[int, ...]) -> bytes:
    pos = state.layout.exact(oid)
    if pos >= 0:
        return ber.varbind(state.layout.encoded[pos], state.value(pos))
    return ber.varbind(ber.oid(oid), _missing(state, oid))


def _bulk(
    state: MibState,
    oids: list[tuple[int, ...]],
    non_repeaters: int,
    max_repetitions: int,
    budget: int,
) -> list[bytes]:
    layout = state.layout
    end = len(layout.oids)
    n = min(max(non_repeaters, 0), len(oids))
    out = [_next(state, oid) for oid in oids[:n]]
    size = sum(len(v) for v in out)
    starts = [layout.after(oid) for oid in oids[n:]]
    positions = list(starts)
    encoded, value, varbind = layout.encoded, state.value, ber.varbind
    for _ in range(min(max(max_repetitions, 0), MAX_REPETITIONS) if positions else 0):
        ended = 0
        for j, pos in enumerate(positions):
            if pos < end:
                vb = varbind(encoded[pos], value(pos))
                positions[j] = pos + 1
            else:  # endOfMibView, named after the column's last varbind (or the request)
                name = encoded[pos - 1] if pos > starts[j] else ber.oid(oids[n + j])
                vb = varbind(name, ber.END_OF_MIB_VIEW_VALUE)
                ended += 1
            size += len(vb)
            if size > budget:
                return out
            out.append(vb)
        if ended == len(positions):
            break
    return out


def respond(
    state: MibState,
    tag: int,
    request_id: int,
    a: int,
    b: int,
    varbinds: list[tuple[tuple[int, ...], bytes]],
    max_size: int,
) -> bytes:
    """The Response-PDU for a request PDU (`a`/`b`: error fields, or GETBULK's two counts)."""
    oids = [oid for oid, _value in varbinds]
    budget = max_size - HEADROOM
    if tag == ber.GETBULK:
        return ber.pdu(ber.RESPONSE, request_id, 0, 0, b"".join(_bulk(state, oids, a, b, budget)))
    if tag == ber.SET:
        echoed = b"".join(ber.varbind(ber.oid(oid), value) for oid, value in varbinds)
        return ber.pdu(ber.RESPONSE, request_id, NOT_WRITABLE, 1, echoed)
    one = _next if tag == ber.GETNEXT else _get
    body = b"".join(one(state, oid) for oid in oids)
    if len(body) > budget:
        return ber.pdu(ber.RESPONSE, request_id, TOO_BIG, 0, b"")
    return ber.pdu(ber.RESPONSE, request_id, NO_ERROR, 0, body)
