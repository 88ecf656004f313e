"""A tiny asyncssh-based interactive client for behaviour tests (prompt-driven reads)."""

from __future__ import annotations

import asyncio
import re

import asyncssh

PROMPT = re.compile(r"(?:[\w./:-]+(?:\([\w.-]+\))?[>#]|\w+@[\w.-]+[>#] ?)\s*$")


class Shell:
    def __init__(self, conn: asyncssh.SSHClientConnection, proc) -> None:
        self.conn = conn
        self.proc = proc
        self.buffer = ""

    @classmethod
    async def open(
        cls,
        dev,
        username: str = "admin",
        password: str = "admin",
        term_type: str | None = "vt100",
        **kwargs,
    ) -> Shell:
        conn = await asyncssh.connect(
            dev.host, dev.port, username=username, password=password, known_hosts=None, **kwargs
        )
        proc = await conn.create_process(term_type=term_type, term_size=(200, 50))
        shell = cls(conn, proc)
        await shell.read_until(PROMPT)
        return shell

    async def read_until(self, pattern: re.Pattern | str, timeout: float = 5.0) -> str:
        rx = re.compile(pattern) if isinstance(pattern, str) else pattern

        async def _read() -> str:
            while not rx.search(self.buffer):
                data = await self.proc.stdout.read(65536)
                if not data:
                    raise EOFError(self.buffer)
                self.buffer += data
            out, self.buffer = self.buffer, ""
            return out

        return await asyncio.wait_for(_read(), timeout)

    async def send(self, line: str, expect: re.Pattern | str = PROMPT, timeout: float = 5.0) -> str:
        self.proc.stdin.write(line + "\n")
        out = await self.read_until(expect, timeout)
        return out.replace("\r\n", "\n")

    async def enable(self, secret: str = "enable") -> str:
        """`enable` and answer the password prompt; the output up to the next prompt."""
        await self.send("enable", expect="Password:")
        return await self.send(secret)

    async def close(self) -> None:
        self.conn.close()
        await self.conn.wait_closed()
