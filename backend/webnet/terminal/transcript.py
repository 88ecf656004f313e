"""A line-based transcript of what a terminal user typed, rebuilt from raw keystrokes.

The browser sends keystrokes, not lines; the recorder replays the editing a router's VTY does
(backspace, Ctrl-U, Ctrl-C, escape sequences swallowed) so the audit shows the commands as they
were entered. It also watches the device's output: when the device asks for a password or secret,
the next line typed is stored masked — secrets never reach the audit trail.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field

MASK = "********"
# The tail of the device's output when it waits for a secret: "Password:", "Enable secret:",
# "Passphrase for key:", Junos "password: " …
SECRET_PROMPT = re.compile(r"(password|secret|passphrase|passcode|pin)[^\n:]{0,40}:\s*$", re.I)
# A pager waiting for a key: what is pressed there pages output, it is not a command.
PAGER_PROMPT = re.compile(r"(--\s?more\s?--|---\(more[^)]*\)---|<--- more --->)\s*$", re.I)
TAIL_CHARS = 200
MAX_LINE = 4096


@dataclass
class Line:
    at: float  # seconds since the session started
    text: str
    masked: bool = False

    def as_dict(self) -> dict[str, object]:
        return {"t": round(self.at, 2), "line": self.text, "masked": self.masked}


@dataclass
class LineRecorder:
    started: float = field(default_factory=time.monotonic)
    lines: list[Line] = field(default_factory=list)
    _current: list[str] = field(default_factory=list)
    _tail: str = ""
    _escape: str = ""
    _skip_lf: bool = False

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
        """Device output: remember its tail to spot secret prompts."""
        self._tail = (self._tail + data.decode("utf-8", "replace"))[-TAIL_CHARS:]

    def input(self, data: bytes) -> list[Line]:
        """Keystrokes from the user; returns the lines they completed."""
        done: list[Line] = []
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
        return line

    def as_list(self) -> list[dict[str, object]]:
        return [line.as_dict() for line in self.lines]
