"""The slice of BER (X.690) that SNMP uses, written for speed: the lab answers a thousand
agents' walks per poll cycle on two cores, so values are encoded straight to bytes and requests
are decoded with offsets (USM needs the position of the authentication parameters)."""

from __future__ import annotations

INTEGER = 0x02
OCTET_STRING = 0x04
NULL = 0x05
OID = 0x06
SEQUENCE = 0x30
IP_ADDRESS = 0x40
COUNTER32 = 0x41
GAUGE32 = 0x42
TIMETICKS = 0x43
COUNTER64 = 0x46
NO_SUCH_OBJECT = 0x80
NO_SUCH_INSTANCE = 0x81
END_OF_MIB_VIEW = 0x82

GET, GETNEXT, RESPONSE, SET, GETBULK, INFORM, TRAP, REPORT = (
    0xA0,
    0xA1,
    0xA2,
    0xA3,
    0xA5,
    0xA6,
    0xA7,
    0xA8,
)


class BERError(ValueError):
    """A malformed or unsupported message: the agent drops it, like a real one."""


_SHORT = [bytes((n,)) for n in range(0x80)]
_TAGS = [bytes((t,)) for t in range(0x100)]


def length(n: int) -> bytes:
    if n < 0x80:
        return _SHORT[n]
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes((0x80 | len(raw),)) + raw


def tlv(tag: int, payload: bytes) -> bytes:
    n = len(payload)
    if n < 0x80:
        return _TAGS[tag] + _SHORT[n] + payload
    return _TAGS[tag] + length(n) + payload


def integer(value: int, tag: int = INTEGER) -> bytes:
    """Signed two's complement, minimal length."""
    n = (value + (value < 0)).bit_length() // 8 + 1
    return tlv(tag, value.to_bytes(n, "big", signed=True))


def unsigned(value: int, tag: int) -> bytes:
    """Counter32/Gauge32/TimeTicks/Counter64: unsigned, with a leading 0 when the top bit is set."""
    n = value.bit_length() // 8 + 1
    return tlv(tag, value.to_bytes(n, "big"))


def octets(value: bytes | str) -> bytes:
    return tlv(OCTET_STRING, value.encode() if isinstance(value, str) else value)


def oid(parts: tuple[int, ...] | list[int]) -> bytes:
    if len(parts) < 2:
        raise BERError("an OID has at least two arcs")
    out = bytearray()
    for arc in (parts[0] * 40 + parts[1], *parts[2:]):
        if arc < 0x80:
            out.append(arc)
            continue
        chunk = bytearray((arc & 0x7F,))
        arc >>= 7
        while arc:
            chunk.append(0x80 | (arc & 0x7F))
            arc >>= 7
        out += chunk[::-1]
    return tlv(OID, bytes(out))


def parse_oid(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in text.strip(".").split("."))


NULL_VALUE = b"\x05\x00"
NO_SUCH_OBJECT_VALUE = b"\x80\x00"
NO_SUCH_INSTANCE_VALUE = b"\x81\x00"
END_OF_MIB_VIEW_VALUE = b"\x82\x00"


# ---- decoding ------------------------------------------------------------------------------------
def read(buf: bytes, pos: int) -> tuple[int, int, int]:
    """The TLV at `pos`: (tag, value start, value end)."""
    try:
        tag = buf[pos]
        first = buf[pos + 1]
    except IndexError as exc:
        raise BERError("truncated") from exc
    pos += 2
    if first & 0x80:
        n = first & 0x7F
        if not 0 < n <= 4:
            raise BERError("unsupported length")
        size = int.from_bytes(buf[pos : pos + n], "big")
        pos += n
    else:
        size = first
    end = pos + size
    if end > len(buf):
        raise BERError("truncated")
    return tag, pos, end


def expect(buf: bytes, pos: int, tag: int) -> tuple[int, int]:
    got, start, end = read(buf, pos)
    if got != tag:
        raise BERError(f"expected tag {tag:#x}, got {got:#x}")
    return start, end


def read_int(buf: bytes, pos: int) -> tuple[int, int]:
    """(value, next position) of the INTEGER at `pos`."""
    start, end = expect(buf, pos, INTEGER)
    return int.from_bytes(buf[start:end], "big", signed=True), end


def read_octets(buf: bytes, pos: int) -> tuple[bytes, int]:
    start, end = expect(buf, pos, OCTET_STRING)
    return buf[start:end], end


def decode_oid(raw: bytes) -> tuple[int, ...]:
    arcs: list[int] = []
    value = 0
    for byte in raw:
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            arcs.append(value)
            value = 0
    if not arcs:
        raise BERError("empty OID")
    first = arcs[0]
    head = (first // 40, first % 40) if first < 80 else (2, first - 80)
    return (*head, *arcs[1:])


def read_varbinds(buf: bytes, pos: int, end: int) -> list[tuple[tuple[int, ...], bytes]]:
    """The VarBindList's (OID, raw value TLV) pairs."""
    start, stop = expect(buf, pos, SEQUENCE)
    if stop != end:
        raise BERError("trailing bytes after the varbinds")
    out = []
    pos = start
    while pos < stop:
        vb_start, vb_end = expect(buf, pos, SEQUENCE)
        o_start, o_end = expect(buf, vb_start, OID)
        _tag, _v_start, v_end = read(buf, o_end)
        out.append((decode_oid(buf[o_start:o_end]), buf[o_end:v_end]))
        pos = vb_end
    return out


def pdu(tag: int, request_id: int, a: int, b: int, varbinds: bytes) -> bytes:
    """A PDU from already-encoded varbinds (the inside of the VarBindList SEQUENCE)."""
    return tlv(tag, integer(request_id) + integer(a) + integer(b) + tlv(SEQUENCE, varbinds))


def varbind(oid_tlv: bytes, value_tlv: bytes) -> bytes:
    n = len(oid_tlv) + len(value_tlv)
    return b"\x30" + (_SHORT[n] if n < 0x80 else length(n)) + oid_tlv + value_tlv
