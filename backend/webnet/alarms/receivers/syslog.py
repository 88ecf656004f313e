"""Syslog messages: RFC 5424 and RFC 3164 (BSD) lines, and TCP framing (RFC 6587: octet
counting, or one message per line)."""

import re
from dataclasses import dataclass

MAX_MESSAGE = 64 * 1024

_PRI = re.compile(rb"^<(\d{1,3})>")
_5424 = re.compile(
    r"^(?P<version>[1-9]\d{0,2}) (?P<time>\S+) (?P<host>\S+) (?P<app>\S+) (?P<proc>\S+) "
    r"(?P<msgid>\S+) (?P<rest>.*)$",
    re.DOTALL,
)
_3164 = re.compile(
    r"^(?P<time>[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d) (?P<host>\S+) (?P<text>.*)$", re.DOTALL
)
_TAG = re.compile(
    r"^(?P<app>[\w./-]{1,48})(?:\[(?P<proc>[^\]]{1,32})\])?: ?(?P<text>.*)$", re.DOTALL
)


@dataclass(frozen=True, slots=True)
class SyslogMessage:
    facility: int
    severity: int  # 0 emergency … 7 debug
    host: str
    app: str
    text: str
    format: str  # "5424" | "3164" | "raw"


def _structured_data_end(rest: str) -> int:
    """Where RFC 5424 STRUCTURED-DATA ends: "-" or [..][..] with escaped brackets inside."""
    if rest.startswith("-"):
        return 1
    pos, depth, escaped = 0, 0, False
    while pos < len(rest):
        char = rest[pos]
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
            if depth == 0 and (pos + 1 == len(rest) or rest[pos + 1] != "["):
                return pos + 1
        pos += 1
    return len(rest)


def parse(datagram: bytes) -> SyslogMessage:
    match = _PRI.match(datagram)
    pri = int(match.group(1)) if match and int(match.group(1)) <= 191 else 13  # user.notice
    body = datagram[match.end() :] if match else datagram
    text = body.decode("utf-8", "replace").removeprefix("\ufeff").rstrip("\r\n\x00")
    facility, severity = divmod(pri, 8)
    if found := _5424.match(text):
        rest = found["rest"]
        message = rest[_structured_data_end(rest) :].lstrip(" ").removeprefix("\ufeff")
        app = "" if found["app"] == "-" else found["app"]
        host = "" if found["host"] == "-" else found["host"]
        return SyslogMessage(facility, severity, host, app, message, "5424")
    if found := _3164.match(text):
        tagged = _TAG.match(found["text"])
        app = tagged["app"] if tagged else ""
        message = tagged["text"] if tagged else found["text"]
        return SyslogMessage(facility, severity, found["host"], app, message, "3164")
    tagged = _TAG.match(text)  # e.g. `logger` without a header, or "%LINK-3-UPDOWN: …" alone
    if tagged and not tagged["app"].startswith("%"):
        return SyslogMessage(facility, severity, "", tagged["app"], tagged["text"], "raw")
    return SyslogMessage(facility, severity, "", "", text, "raw")


class Framer:
    """Splits a TCP byte stream into messages: "<len> <msg>" when it starts with a digit
    (octet counting), otherwise newline-terminated (non-transparent framing)."""

    def __init__(self) -> None:
        self.buffer = b""

    def feed(self, chunk: bytes) -> list[bytes]:
        self.buffer += chunk
        messages: list[bytes] = []
        while self.buffer:
            if self.buffer[:1].isdigit():
                space = self.buffer.find(b" ", 0, 8)
                if space < 0:
                    if len(self.buffer) >= 8:
                        raise ValueError("bad octet count")
                    break
                length = int(self.buffer[:space])
                if length > MAX_MESSAGE:
                    raise ValueError("message too long")
                if len(self.buffer) < space + 1 + length:
                    break
                messages.append(self.buffer[space + 1 : space + 1 + length])
                self.buffer = self.buffer[space + 1 + length :]
                continue
            newline = self.buffer.find(b"\n")
            if newline < 0:
                if len(self.buffer) > MAX_MESSAGE:
                    raise ValueError("message too long")
                break
            line = self.buffer[:newline].rstrip(b"\r")
            self.buffer = self.buffer[newline + 1 :]
            if line:
                messages.append(line)
        return messages
