"""The device side of a terminal: one asyncssh connection with an interactive PTY shell.

Connection set-up is the job engine's (`webnet.drivers`): the same algorithms, the same host key
verifier (strict / TOFU / disabled, refused before any credential is sent) and the same error
mapping. Bytes pass through untouched, so the pager, Ctrl-C and modes behave as in any client.
"""

from __future__ import annotations

import asyncio
import contextlib

import asyncssh

from webnet.drivers import ConnectParams, DriverTimeout, HostKey, HostKeyVerifier, open_connection

TERM_TYPE = "xterm-256color"
READ_SIZE = 65536


class PtyBridge:
    def __init__(self, params: ConnectParams, cols: int, rows: int) -> None:
        self.params = params
        self.size = (cols, rows)
        self.verifier = HostKeyVerifier(
            params.host_key_policy, params.known_host_keys, legacy=params.legacy_algorithms
        )
        self.conn: asyncssh.SSHClientConnection | None = None
        self.process: asyncssh.SSHClientProcess | None = None

    @property
    def learned_key(self) -> HostKey | None:
        """The presented key when it was accepted on first use (to be remembered)."""
        return self.verifier.presented if self.verifier.trust == "first_use" else None

    async def open(self) -> None:
        """Connect, authenticate and start the shell; raises a DriverError on failure."""
        self.conn, deadline = await open_connection(self.params, self.verifier)
        try:
            async with asyncio.timeout_at(deadline):
                self.process = await self.conn.create_process(
                    term_type=TERM_TYPE, term_size=self.size, encoding=None
                )
        except TimeoutError:
            self.close()
            raise DriverTimeout("auth", self.params.timeouts.auth, host=self.params.host) from None

    async def read(self) -> bytes:
        """The next chunk of output; b"" when the device closed the session."""
        assert self.process is not None
        try:
            return await self.process.stdout.read(READ_SIZE)
        except (asyncssh.Error, OSError, asyncio.IncompleteReadError):
            return b""

    def write(self, data: bytes) -> None:
        if self.process is not None and not self.process.stdin.is_closing():
            with contextlib.suppress(asyncssh.Error, OSError):
                self.process.stdin.write(data)

    def resize(self, cols: int, rows: int) -> None:
        self.size = (cols, rows)
        if self.process is not None:
            with contextlib.suppress(asyncssh.Error, OSError):
                self.process.change_terminal_size(cols, rows)

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
