"""The interactive shell channel: bytes in, "wait until the last line is a prompt" out.

Why not asyncssh's stream reader: with a `SSHClientSession` subclass asyncssh hands us each
decrypted packet in a plain callback. We append it to a list and match the prompt pattern
against the *last line of the last 1 KiB only*, so the cost per packet is a slice and one
short regex match, whatever the size of the output, and a waiting coroutine is woken exactly
once per command (no polling, no per-byte Python work). Output is joined and decoded once.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence

import asyncssh

from .errors import ConnectionLost

TAIL = 1024  # bytes kept for prompt matching; a prompt line is far shorter


class ShellChannel(asyncssh.SSHClientSession[bytes]):
    """One PTY shell. `expect()` waits for a pattern on the last line; `take()` returns the
    bytes received up to the match."""

    def __init__(self, host: str) -> None:
        self.host = host
        self.chan: asyncssh.SSHClientChannel[bytes] | None = None
        self._chunks: list[bytes] = []
        self._tail = b""
        self._matched_at = 0
        self._waiter: asyncio.Future[tuple[int, re.Match[bytes]]] | None = None
        self._patterns: Sequence[re.Pattern[bytes]] = ()
        self._prefix = b""
        self.lost: str | None = None

    # ---- asyncssh callbacks ---------------------------------------------------------------
    def connection_made(self, chan: asyncssh.SSHClientChannel[bytes]) -> None:  # type: ignore[override]
        self.chan = chan

    def data_received(self, data: bytes, datatype: asyncssh.DataType) -> None:
        self._chunks.append(data)
        if len(data) >= TAIL:
            self._tail = data[-TAIL:]
        else:
            tail = self._tail + data
            self._tail = tail[-TAIL:] if len(tail) > TAIL else tail
        if self._waiter is not None:
            self._check()

    def eof_received(self) -> bool:
        return False  # the device ended the session: close our side too

    def connection_lost(self, exc: Exception | None) -> None:
        self.lost = str(exc) if exc else "the device closed the session"
        waiter, self._waiter = self._waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_exception(self._lost_error())

    # ---- matching -------------------------------------------------------------------------
    def _check(self) -> None:
        tail = self._tail
        last = tail[tail.rfind(b"\n") + 1 :]
        if last[:1] == b"\r":
            last = last.lstrip(b"\r")
        if not last:
            return
        for index, pattern in enumerate(self._patterns):
            match = pattern.fullmatch(last)
            if match is not None and (index or last.startswith(self._prefix)):
                waiter, self._waiter = self._waiter, None
                self._matched_at = len(self._chunks)
                if waiter is not None and not waiter.done():
                    waiter.set_result((index, match))
                return

    def _lost_error(self) -> ConnectionLost:
        return ConnectionLost(f"connection lost: {self.lost}", host=self.host)

    async def expect(
        self,
        patterns: Sequence[re.Pattern[bytes]],
        *,
        prefix: bytes = b"",
        deadline: float | None = None,
    ) -> tuple[int, re.Match[bytes]]:
        """Wait until the last received line full-matches one of `patterns`; return its index
        and match. Pattern 0 must also start with `prefix` (the learned prompt base)."""
        if self.lost is not None:
            raise self._lost_error()
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[tuple[int, re.Match[bytes]]] = loop.create_future()
        self._waiter, self._patterns, self._prefix = waiter, patterns, prefix
        self._check()
        try:
            if deadline is None:
                return await waiter
            async with asyncio.timeout_at(deadline):
                return await waiter
        finally:
            self._waiter = None

    # ---- buffer ---------------------------------------------------------------------------
    def take(self) -> bytes:
        """Bytes up to the last match; anything that arrived after it stays buffered."""
        cut = self._matched_at or len(self._chunks)
        data = b"".join(self._chunks[:cut])
        del self._chunks[:cut]
        self._matched_at = 0
        if not self._chunks:
            self._tail = b""
        return data

    def pending(self) -> bytes:
        return b"".join(self._chunks)

    def discard(self) -> None:
        """Drop unsolicited output (syslog lines, a late prompt) before sending a command."""
        self._chunks.clear()
        self._tail = b""
        self._matched_at = 0

    def send(self, data: bytes) -> None:
        if self.lost is not None or self.chan is None:
            raise self._lost_error()
        self.chan.write(data)
