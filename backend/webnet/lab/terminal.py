"""The wire side of a CLI session: line input with echo, the pager, and output faults.

Raw mode (asyncssh's line editor off) so echo, backspace, Ctrl-C/Ctrl-Z and the `--More--`
keypress behave like a router's VTY, not like a Unix shell.
"""

from __future__ import annotations

import asyncio
import random

import asyncssh

from .faults import Faults, command_matches

CTRL_C = "\x03"
CTRL_Z = "\x1a"
SYSLOG_LINE = "%SYS-5-CONFIG_I: Configured from console by admin on vty0 (192.0.2.10)"


class SessionClosed(Exception):
    """The peer went away, or a fault closed the session."""


class Terminal:
    def __init__(self, process: asyncssh.SSHServerProcess, faults: Faults) -> None:
        self.process = process
        self.faults = faults
        self.pty = process.get_terminal_type() is not None
        size = process.get_terminal_size() if self.pty else (0, 0)
        self.width = size[0] or 80
        self.page_length = 24  # personalities reset this; 0 = no paging
        self.more_prompt = " --More-- "
        self.more_erase = True
        self._buf = ""
        self._pos = 0
        self._skip_lf = False
        self.eof = False
        self.eol = "\r\n" if self.pty else "\n"

    # ---- input --------------------------------------------------------------------------------
    async def _fill(self) -> bool:
        while True:
            try:
                data = await self.process.stdin.read(65536)
            except asyncssh.TerminalSizeChanged as exc:
                self.width = exc.width or self.width
                continue
            except (asyncssh.BreakReceived, asyncssh.SignalReceived):
                data = CTRL_C
            except (OSError, asyncssh.Error, asyncio.IncompleteReadError):
                data = ""
            if not data:
                self.eof = True
                return False
            self._buf = self._buf[self._pos :] + data
            self._pos = 0
            return True

    async def read_key(self) -> str | None:
        while True:
            if self._pos >= len(self._buf) and not await self._fill():
                return None
            ch = self._buf[self._pos]
            self._pos += 1
            if self._skip_lf:
                self._skip_lf = False
                if ch == "\n":
                    continue
            self._skip_lf = ch == "\r"
            return ch

    async def readline(self, echo: bool = True) -> str | None:
        """A line of input, or CTRL_C / CTRL_Z alone, or None at end of input."""
        line: list[str] = []
        out: list[str] = []
        echo = echo and self.pty
        while True:
            if self._pos >= len(self._buf):
                if out:
                    self.write_raw("".join(out))
                    out.clear()
                if not await self._fill():
                    return None if not line else "".join(line)
            buf, i = self._buf, self._pos
            while i < len(buf):
                ch = buf[i]
                i += 1
                if self._skip_lf:
                    self._skip_lf = False
                    if ch == "\n":
                        continue
                if ch in "\r\n":
                    self._skip_lf = ch == "\r"
                    self._pos = i
                    if echo:
                        out.append("\r\n")
                    if out:
                        self.write_raw("".join(out))
                    return "".join(line)
                if ch in (CTRL_C, CTRL_Z):
                    self._pos = i
                    if echo:
                        out.append("^C\r\n" if ch == CTRL_C else "^Z\r\n")
                        self.write_raw("".join(out))
                    return ch
                if ch in "\x7f\x08":
                    if line:
                        line.pop()
                        if echo:
                            out.append("\b \b")
                elif ch == "\x15":  # Ctrl-U
                    if echo and line:
                        out.append("\b \b" * len(line))
                    line.clear()
                elif ch == "\x1b":  # swallow an escape sequence (arrow keys etc.)
                    if i < len(buf) and buf[i] in "[O":
                        i += 1
                        while i < len(buf) and buf[i] in "0123456789;":
                            i += 1
                        i = min(i + 1, len(buf))
                elif ch == "\t" or ord(ch) < 32:
                    continue
                else:
                    line.append(ch)
                    if echo:
                        out.append(ch)
            self._pos = i

    async def ask(self, prompt: str, echo: bool = True) -> str | None:
        self.write(prompt)
        return await self.readline(echo=echo)

    # ---- output -------------------------------------------------------------------------------
    def write_raw(self, data: str) -> None:
        try:
            self.process.stdout.write(data)
        except (OSError, asyncssh.Error) as exc:  # channel already closed
            raise SessionClosed from exc

    def write(self, text: str) -> None:
        if self.eol != "\n":
            text = text.replace("\n", self.eol)
        self.write_raw(text)

    async def drain(self) -> None:
        try:
            await self.process.stdout.drain()
        except (OSError, asyncssh.Error) as exc:
            raise SessionClosed from exc

    async def emit(self, text: str, command: str = "") -> None:
        """Write a command's output through faults and the pager; ends with a newline."""
        if not text:
            return
        if not text.endswith("\n"):
            text += "\n"
        f = self.faults
        if f.garbage_output and command_matches(f.garbage_output, command):
            text = _garble(text)
        if f.syslog_line and command_matches(f.syslog_line, command):
            lines = text.split("\n")
            lines.insert(len(lines) // 2, SYSLOG_LINE)
            text = "\n".join(lines)
        if f.disconnect_mid_output and command_matches(f.disconnect_mid_output, command):
            self.write(text[: len(text) // 2])
            await self.drain()
            self.process.get_extra_info("connection").abort()
            raise SessionClosed("disconnect_mid_output")
        lines = text[:-1].split("\n")
        page = self.page_length - 1 if self.page_length > 1 else 0
        if not page or len(lines) <= page:
            await self._send("\n".join(lines) + "\n")
            return
        i = 0
        step = page
        while i < len(lines):
            chunk = lines[i : i + step]
            i += len(chunk)
            await self._send("\n".join(chunk) + "\n")
            if i >= len(lines):
                break
            more = self.more_prompt.replace("{pct}", str(100 * i // len(lines)))
            self.write_raw(more)
            key = await self.read_key()
            if self.more_erase:
                n = len(more)
                self.write_raw("\b" * n + " " * n + "\b" * n)
            else:
                self.write_raw("\r\n")
            if key is None:
                raise SessionClosed("eof at pager")
            if key in "\r\n":
                step = 1
            elif key == " ":
                step = page
            else:
                break

    async def _send(self, text: str) -> None:
        cps = self.faults.slow_output_cps
        if not cps:
            self.write(text)
            if len(text) > 65536:
                await self.drain()
            return
        chunk = max(1, cps // 20)
        for start in range(0, len(text), chunk):
            self.write(text[start : start + chunk])
            await self.drain()
            await asyncio.sleep(0.05)

    async def hang(self) -> None:
        """Stop answering: swallow input until the peer gives up."""
        while await self._fill():
            pass
        raise SessionClosed("hang")


_JUNK = ("\x00\x07\x1b[6n", "\x1b[?25l\x1b[2J", "\ufffd\ufffd", "\x08\x08\x08", "#$%&*@!")


def _garble(text: str) -> str:
    rng = random.Random(len(text))
    lines = text.split("\n")
    for _ in range(max(2, len(lines) // 10)):
        pos = rng.randrange(len(lines))
        junk = "".join(rng.choice(_JUNK) for _ in range(3))
        lines.insert(pos, junk + "".join(chr(rng.randrange(33, 127)) for _ in range(20)))
    return "\n".join(lines)
