"""Turn what the device sent for one command into the command's output.

The raw bytes are `<echo of the command>\\r\\n<output>\\r\\n<prompt>`. We cut the echo line and
the prompt line by index on the bytes, decode once, normalise line ends once, and check once for
bytes no CLI of these platforms prints (NUL, C0 controls, DEL, invalid UTF-8): such output is not
trustworthy enough to store as a configuration backup, so it is a protocol error.
"""

from __future__ import annotations

import re

from .errors import ProtocolError

_GARBAGE = re.compile("[\x00-\x06\x0b\x0c\x0e-\x1a\x1c-\x1f\x7f\ufffd]")
_CSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")  # ANSI control sequences (cursor, colour)
_PAGER_LEFTOVERS = re.compile(rb"(?i) *-+ ?\(?more[^\n\x08]*?-+[ \x08]*")


def clean_output(
    raw: bytes,
    command: str,
    *,
    host: str = "",
    pager_seen: bool = False,
    trailing_noise: re.Pattern[str] | None = None,
) -> str:
    """The output of `command` without its echo, the prompt and `\\r`; raises ProtocolError on
    garbage."""
    if pager_seen:
        raw = _PAGER_LEFTOVERS.sub(b"", raw)
    end = raw.rfind(b"\n")
    if end < 0:
        return ""
    if end and raw[end - 1] == 13:  # \r
        end -= 1
    first = raw.find(b"\n")
    start = 0
    if first >= 0 and raw[:first].rstrip(b"\r ").endswith(command.strip().encode()):
        start = first + 1
    if start >= end:
        return ""
    text = str(memoryview(raw)[start:end], "utf-8", "replace")
    text = text.replace("\r\n", "\n")
    if "\r" in text:
        text = text.replace("\r", "")
    if "\x1b" in text:
        text = _CSI.sub("", text)
    if "\x07" in text:
        text = text.replace("\x07", "")
    bad = _GARBAGE.search(text)
    if bad is not None or "\x1b" in text:
        where = bad.start() if bad is not None else text.index("\x1b")
        raise ProtocolError(
            f"unexpected control bytes or invalid UTF-8 in the output of {command!r} "
            f"(offset {where})",
            host=host,
            output=text,
        )
    if trailing_noise is not None:
        text = trailing_noise.sub("", text)
    return text
