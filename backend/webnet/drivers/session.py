"""DeviceSession: one logged-in CLI on one device, driven by its Platform row.

    async with open_session(params) as s:
        version = await s.send_command("show version")
        config = await s.get_running_config()
        await s.send_config(["snmp-server location lab"])
        await s.save_config()

Built for a runner that fans out to thousands of devices on one event loop: one SSH connection
and one PTY channel per device, no background tasks, no polling; a session that timed out or
lost its connection is closed at once and refuses further use (its stream can no longer be
trusted to line up with our commands). Every error leaving this class is a DriverError with the
credentials scrubbed from its text.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import Iterable
from time import perf_counter

import asyncssh

from .channel import ShellChannel
from .configcheck import implausible_config
from .errors import (
    AuthFailed,
    CommandRejected,
    ConnectionLost,
    DriverError,
    DriverTimeout,
    ImplausibleConfig,
    InvalidParams,
    ProtocolError,
)
from .hostkeys import HostKeyVerifier
from .output import clean_output
from .params import ConnectParams, HostKey
from .platforms import PASSWORD_PROMPT, Platform, get_platform
from .results import CommandResult
from .transport import open_connection

TERM_TYPE = "vt100"
TERM_SIZE = (511, 1000)  # wide, so devices that honour the PTY size neither wrap nor page
ERROR_SCAN_CHARS = 512  # vendor errors come first; a long output is not scanned to its end


class DeviceSession:
    """A CLI session; use `async with open_session(params)` or `await DeviceSession(p).open()`."""

    def __init__(self, params: ConnectParams) -> None:
        self.params = params
        self.platform: Platform | None = None
        self.host_key: HostKey | None = None  # what the server presented (store it on TOFU)
        self.host_key_trust: str | None = None  # known | first_use | disabled
        self.prompt = ""
        self._conn: asyncssh.SSHClientConnection | None = None
        self._shell: ShellChannel | None = None
        self._base = b""
        self._broken: DriverError | None = None
        self._closed = False
        self._in_config = False

    async def __aenter__(self) -> DeviceSession:
        return await self.open()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # ---- open -------------------------------------------------------------------------------
    async def open(self) -> DeviceSession:
        """Connect, authenticate, verify the host key, find the prompt, enable, stop paging."""
        params = self.params
        if self._conn is not None:
            raise RuntimeError("DeviceSession.open() called twice")
        try:
            self.platform = get_platform(params.platform)
            verifier = HostKeyVerifier(
                params.host_key_policy, params.known_host_keys, legacy=params.legacy_algorithms
            )
            try:
                self._conn, auth_deadline = await open_connection(params, verifier)
            finally:
                self.host_key, self.host_key_trust = verifier.presented, verifier.trust
            await self._login(self.platform, auth_deadline)
            for command in self.platform.setup_commands:
                await self.send_command(command, check=False)
        except DriverError as exc:
            self._abort()
            raise exc.with_host(params.host).redacted(params.secrets) from exc.__cause__
        except BaseException:
            self._abort()
            raise
        return self

    async def _login(self, platform: Platform, deadline: float) -> None:
        assert self._conn is not None
        host = self.params.host
        step = "shell"
        try:
            async with asyncio.timeout_at(deadline):
                shell = ShellChannel(host)
                await self._conn.create_session(
                    lambda: shell, term_type=TERM_TYPE, term_size=TERM_SIZE, encoding=None
                )
                self._shell = shell
                step = "prompt"
                _index, match = await shell.expect((platform.prompt,))
                shell.take()
                self._learn(match)
                if match["term"] == b">" and platform.enable_command:
                    step = "enable"
                    await self._enable(shell, platform.enable_command)
        except TimeoutError:
            pending = self._shell.pending().strip() if self._shell else b""
            if step == "prompt" and pending:
                last = pending.rsplit(b"\n", 1)[-1][-80:].decode("utf-8", "replace")
                raise ProtocolError(
                    f"no {platform.name} prompt recognised after login; last line {last!r}",
                    host=host,
                ) from None
            raise DriverTimeout(
                "auth", self.params.timeouts.auth, host=host, detail=f"waiting for {step}"
            ) from None
        except asyncssh.ChannelOpenError as exc:
            raise ProtocolError(f"the device refused a shell: {exc.reason}", host=host) from None

    async def _enable(self, shell: ShellChannel, command: str) -> None:
        platform = self.platform
        assert platform is not None
        patterns = (platform.prompt, PASSWORD_PROMPT)
        shell.discard()
        shell.send(command.encode() + b"\n")
        index, match = await shell.expect(patterns, prefix=self._base)
        if index == 1:
            shell.discard()
            shell.send((self.params.enable_secret or "").encode() + b"\n")
            index, match = await shell.expect(patterns, prefix=self._base)
        shell.take()
        if index != 0 or match["term"] != b"#":
            raise AuthFailed("enable failed: the enable secret was not accepted", stage="enable")
        self._learn(match)

    def _learn(self, match: re.Match[bytes]) -> None:
        self._base = match["base"]
        self.prompt = match[0].decode("utf-8", "replace").strip()

    # ---- commands ---------------------------------------------------------------------------
    async def send_command(
        self, command: str, *, timeout: float | None = None, check: bool = True
    ) -> CommandResult:
        """Run one command; output has no echo and no prompt. A vendor error line raises
        CommandRejected, or with `check=False` comes back as `rejected=True`."""
        platform = self._ready()
        started = perf_counter()
        raw, _match, pager_seen = await self._exchange(command, timeout, strict=True)
        output = self._clean(raw, command, pager_seen, None)
        rejected = platform.errors.search(output, 0, ERROR_SCAN_CHARS) is not None
        if rejected and check:
            raise self._error(CommandRejected(command, output))
        return CommandResult(command, output, perf_counter() - started, rejected)

    async def send_commands(
        self, commands: Iterable[str], *, timeout: float | None = None, check: bool = True
    ) -> list[CommandResult]:
        """Run commands in order; with `check=True` the first rejected one raises."""
        return [await self.send_command(c, timeout=timeout, check=check) for c in commands]

    async def get_running_config(self, *, timeout: float | None = None) -> str:
        """The running configuration (Junos: `show configuration | display set`); output that
        cannot be one (a refusal, too short, markers missing) raises ImplausibleConfig."""
        platform = self._ready()
        output = (await self.send_command(platform.running_config_command, timeout=timeout)).output
        reason = implausible_config(platform, output)
        if reason is not None:
            raise self._error(ImplausibleConfig(reason, output))
        return output

    async def save_config(self, *, timeout: float | None = None) -> str:
        """Persist the running configuration; a no-op where a commit already persists it."""
        platform = self._ready()
        if platform.save_command is None:
            return ""
        return (await self.send_command(platform.save_command, timeout=timeout)).output

    async def send_config(
        self,
        lines: Iterable[str] | str,
        *,
        timeout: float | None = None,
        session_name: str | None = None,
        confirm_minutes: int | None = None,
    ) -> str:
        """Enter configuration mode, send `lines` one by one, commit where the platform has a
        candidate configuration, and leave. The first rejected line (or a failed commit) aborts
        the change where the platform can (XR `abort`, Junos `rollback 0`, an EOS session
        `abort`) and raises CommandRejected; plain IOS-style changes keep the lines applied.

        `session_name`: EOS applies everything atomically in a configure session.
        `confirm_minutes`: Junos commits with `commit confirmed N`; the device rolls back by
        itself unless `confirm_commit()` follows in time."""
        platform = self._ready()
        if isinstance(lines, str):
            lines = lines.splitlines()
        body = [line for line in lines if line.strip()]
        enter, finish, abort = platform.config_steps(session_name, confirm_minutes)
        outputs = [await self._config_step(c, timeout) for c in enter]
        try:
            for line in [*body, *finish]:
                outputs.append(await self._config_step(line, timeout))
        except CommandRejected:
            await self._abort_config(timeout, abort)
            raise
        if self._in_config:
            raise self._error(ProtocolError("still in configuration mode after leaving it"))
        return "\n".join(out for out in outputs if out)

    async def _config_step(self, line: str, timeout: float | None) -> str:
        platform = self._ready()
        raw, match, pager_seen = await self._exchange(line, timeout, strict=False)
        self._in_config = platform.in_config_mode(match["mode"], match["term"])
        noise = platform.trailing_noise if self._in_config else None
        output = self._clean(raw, line, pager_seen, noise)
        if not self._in_config:
            self._learn(match)  # the hostname may have changed
        if platform.errors.search(output) is not None:
            raise self._error(CommandRejected(line, output))
        return output

    async def confirm_commit(self, *, timeout: float | None = None) -> str:
        """Make a `commit confirmed` permanent (Junos); a no-op elsewhere."""
        platform = self._ready()
        return "\n".join([await self._config_step(c, timeout) for c in platform.confirm_commands])

    async def rollback_config(self, steps: int = 1, *, timeout: float | None = None) -> str:
        """Return to the configuration `steps` commits ago (Junos `rollback N` + commit)."""
        platform = self._ready()
        if not platform.rollback_commands:
            raise InvalidParams(f"{platform.name} has no commit history to roll back to")
        commands = [c.format(steps=steps) for c in platform.rollback_commands]
        return "\n".join([await self._config_step(c, timeout) for c in commands])

    async def _abort_config(self, timeout: float | None, abort: tuple[str, ...]) -> None:
        for command in abort:
            with contextlib.suppress(CommandRejected):
                await self._config_step(command, timeout)

    # ---- plumbing ---------------------------------------------------------------------------
    def _ready(self) -> Platform:
        if self._broken is not None:
            raise ConnectionLost(
                f"session unusable after an earlier {self._broken.code}", host=self.params.host
            )
        if self._shell is None or self.platform is None or self._closed:
            raise ConnectionLost("session is not open", host=self.params.host)
        return self.platform

    async def _exchange(
        self, command: str, timeout: float | None, *, strict: bool
    ) -> tuple[bytes, re.Match[bytes], bool]:
        """Send a line and wait for the prompt, turning pages if a pager shows up."""
        shell, platform = self._shell, self.platform
        assert shell is not None and platform is not None
        seconds = timeout if timeout is not None else self.params.timeouts.command
        deadline = asyncio.get_running_loop().time() + seconds
        patterns = (platform.prompt, platform.pager)
        prefix = self._base if strict else b""
        pager_seen = False
        try:
            shell.discard()
            shell.send(command.encode() + b"\n")
            while True:
                index, match = await shell.expect(patterns, prefix=prefix, deadline=deadline)
                if index == 0:
                    return shell.take(), match, pager_seen
                pager_seen = True
                shell.send(b" ")
        except TimeoutError:
            err: DriverError = DriverTimeout(
                "command", seconds, detail=f"no prompt after {command!r}"
            )
        except ConnectionLost as exc:
            err = exc
        except asyncio.CancelledError:
            # the runner cancelled us mid-command: the stream is out of step, close on exit
            self._broken = ConnectionLost("a command was cancelled")
            raise
        self._broken = err
        self._abort()
        raise self._error(err)

    def _clean(
        self, raw: bytes, command: str, pager_seen: bool, noise: re.Pattern[str] | None
    ) -> str:
        try:
            return clean_output(raw, command, pager_seen=pager_seen, trailing_noise=noise)
        except ProtocolError as exc:
            raise self._error(exc) from None

    def _error(self, exc: DriverError) -> DriverError:
        return exc.with_host(self.params.host).redacted(self.params.secrets)

    def _abort(self) -> None:
        self._closed = True
        if self._conn is not None:
            self._conn.abort()

    async def close(self) -> None:
        """Close the connection (idempotent). Waits briefly for the peer to acknowledge."""
        if self._conn is None or self._closed:
            self._closed = True
            return
        self._closed = True
        conn = self._conn
        conn.close()
        with contextlib.suppress(Exception):
            async with asyncio.timeout(2):
                await conn.wait_closed()


def open_session(params: ConnectParams) -> DeviceSession:
    """`async with open_session(params) as session:` opens on entry and closes on exit."""
    return DeviceSession(params)
