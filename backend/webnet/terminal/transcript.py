"""A terminal session's transcript: the lines the user typed, rebuilt from raw keystrokes, and the
device's output with its timing, so a replay shows the session as it happened.

The browser sends keystrokes, not lines; the recorder replays the editing a router's VTY does
(backspace, Ctrl-U, Ctrl-C, escape sequences swallowed) so the audit shows the commands as they
were entered. It also watches the device's output: when the device asks for a password or secret,
the next line typed is stored masked — secrets never reach the audit trail. Output is stored in
whole lines, each passed through the configuration secret masker (`show running-config` prints
hashes and keys), up to MAX_OUTPUT characters per session.

Entries, in time order: typed `{"t", "line", "masked"}` and output `{"t", "out"}`.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field

from webnet.config_mgmt.sanitize import mask_secrets

MASK = "********"
# The tail of the device's output when it waits for a secret: "Password:", "Enable secret:",
# "Passphrase for key:", Junos "password: " …
SECRET_PROMPT = re.compile(r"(password|secret|passphrase|passcode|pin)[^\n:]{0,40}:\s*$", re.I)
# A pager waiting for a key: what is pressed there pages output, it is not a command.
PAGER_PROMPT = re.compile(r"(--\s?more\s?--|---\(more[^)]*\)---|<--- more --->)\s*$", re.I)
TAIL_CHARS = 200
MAX_LINE = 4096
MAX_OUTPUT = 256_000  # characters of device output kept per session
TRUNCATED = "\r\n[output not recorded past this point: the transcript's limit]\r\n"


@dataclass
class Line:
    at: float  # seconds since the session started
    text: str
    masked: bool = False

    def as_dict(self) -> dict[str, object]:
        return {"t": round(self.at, 2), "line": self.text, "masked": self.masked}


@dataclass
class Output:
    at: float
    text: str

    def as_dict(self) -> dict[str, object]:
        return {"t": round(self.at, 2), "out": self.text}


@dataclass
class LineRecorder:
    started: float = field(default_factory=time.monotonic)
    lines: list[Line] = field(default_factory=list)
    entries: list[Line | Output] = field(default_factory=list)  # typed lines and output, in order
    _current: list[str] = field(default_factory=list)
    _tail: str = ""
    _escape: str = ""
    _skip_lf: bool = False
    _pending: str = ""  # output after the last newline (a prompt, a partial line)
    _pending_at: float = 0.0
    _recorded: int = 0

    @property
    def at_secret_prompt(self) -> bool:
        return bool(SECRET_PROMPT.search(self._tail))

    @property
    def at_pager(self) -> bool:
        return not self._current and bool(PAGER_PROMPT.search(self._tail))

    @property
    def typing(self) -> bool:
        return bool(self._current)

    def output(self, data: bytes) -> None:
        """Device output: remember its tail to spot secret prompts, and record whole lines."""
        text = data.decode("utf-8", "replace")
        self._tail = (self._tail + text)[-TAIL_CHARS:]
        if self._recorded >= MAX_OUTPUT:
            return
        if not self._pending:
            self._pending_at = time.monotonic() - self.started
        self._pending += text
        complete, newline, rest = self._pending.rpartition("\n")
        if newline:
            self._pending = rest
            self._record_output(complete + newline)

    def _record_output(self, text: str) -> None:
        """Store `text` (masked) as one output entry, until the session's output limit."""
        if not text or self._recorded >= MAX_OUTPUT:
            return
        text = mask_secrets("", text)
        self._recorded += len(text)
        if self._recorded >= MAX_OUTPUT:
            text += TRUNCATED
        self.entries.append(Output(self._pending_at, text))
        self._pending_at = time.monotonic() - self.started

    def _flush_output(self) -> None:
        """The partial line shown so far (a prompt) becomes an entry before what is typed."""
        pending, self._pending = self._pending, ""
        self._record_output(pending)

    def input(self, data: bytes) -> list[Line]:
        """Keystrokes from the user; returns the lines they completed."""
        done: list[Line] = []
        self._flush_output()
        if self.at_pager:
            return done
        for ch in data.decode("utf-8", "replace"):
            if self._escape:
                self._escape += ch
                if self._escape_done(ch):
                    self._escape = ""
                continue
            if self._skip_lf:
                self._skip_lf = False
                if ch == "\n":
                    continue
            if ch in "\r\n":
                self._skip_lf = ch == "\r"
                done.append(self._finish())
            elif ch == "\x1b":
                self._escape = ch
            elif ch in "\x7f\x08":
                if self._current:
                    self._current.pop()
            elif ch == "\x15":  # Ctrl-U
                self._current.clear()
            elif ch == "\x03":  # Ctrl-C abandons the line
                self._current.clear()
                done.append(self.record("^C", masked=False))
            elif ch == "\t" or ord(ch) < 32:
                continue
            elif len(self._current) < MAX_LINE:
                self._current.append(ch)
        return done

    def _escape_done(self, ch: str) -> bool:
        """ESC x is two bytes; ESC [ … and ESC O … end at a letter or `~` (arrows, F-keys)."""
        if len(self._escape) == 2:
            return ch not in "[O"
        return ch.isalpha() or ch == "~"

    def _finish(self) -> Line:
        text = "".join(self._current)
        self._current.clear()
        if self.at_secret_prompt:
            line = self.record(MASK if text else "", masked=True)
        else:
            line = self.record(text, masked=False)
        self._tail = ""  # the answer ends the prompt
        return line

    def record(self, text: str, masked: bool = False) -> Line:
        line = Line(time.monotonic() - self.started, text, masked)
        self.lines.append(line)
        self.entries.append(line)
        return line

    def as_list(self) -> list[dict[str, object]]:
        """Every entry so far, the output not yet ended by a newline included (not consumed)."""
        rows = [entry.as_dict() for entry in self.entries]
        if self._pending and self._recorded < MAX_OUTPUT:
            rows.append(Output(self._pending_at, mask_secrets("", self._pending)).as_dict())
        return rows
