"""What every personality shares: command dispatch, pipes, faults around each command."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable
from types import ModuleType
from typing import TYPE_CHECKING, Any, ClassVar

from ..commands import CommandTable, Match, MatchError, apply_pipe, split_pipes
from ..faults import command_matches
from ..terminal import CTRL_C, CTRL_Z, Terminal

if TYPE_CHECKING:
    from ..devicestate import DeviceRuntime
    from ..fleet import DeviceSpec


def command(*patterns: str, priv: int = 1) -> Callable:
    """Register a method for one or more command patterns (see commands.CommandTable)."""

    def deco(fn: Callable) -> Callable:
        fn._lab_patterns = patterns  # type: ignore[attr-defined]
        fn._lab_priv = priv  # type: ignore[attr-defined]
        return fn

    return deco


def rendered(name: str, *patterns: str) -> Callable:
    """A command whose output is `self.render.<name>(self.rt)` (arguments are ignored)."""

    @command(*patterns)
    def show(self: Personality, *_args: str) -> str:
        return getattr(self.render, name)(self.rt)

    show.__name__ = show.__qualname__ = name
    return show


class Personality:
    render: ModuleType  # the platform's render module (show output), set on the class
    platform: ClassVar[str] = ""
    vendor_family: ClassVar[str] = "cisco"
    more_prompt: ClassVar[str] = " --More-- "
    page_length: ClassVar[int] = 24
    running_config_commands: ClassVar[tuple[str, ...]] = ("show running-config",)

    def __init__(self, rt: DeviceRuntime, term: Terminal | None, username: str) -> None:
        self.rt = rt
        self.term = term
        self.username = username
        self.priv = 15
        self.closed = False
        self.current_line = ""
        if term is not None:
            term.more_prompt = self.more_prompt
            term.page_length = self.page_length

    # ---- command tables -----------------------------------------------------------------------
    @classmethod
    def table(cls, priv: int, exact: bool = False) -> CommandTable:
        """Commands up to privilege `priv` (or exactly `priv`: a separate mode's table)."""
        key = (cls, priv, exact)
        tables = cls.__dict__.get("_lab_tables")
        if tables is None:
            tables = {}
            cls._lab_tables = tables  # type: ignore[attr-defined]
        if key not in tables:
            table = CommandTable()
            for name in dir(cls):
                fn = getattr(cls, name, None)
                patterns = getattr(fn, "_lab_patterns", None)
                level = getattr(fn, "_lab_priv", 0)
                if patterns and callable(fn) and (level == priv if exact else level <= priv):
                    for pattern in patterns:
                        table.add(pattern, fn)
            tables[key] = table
        return tables[key]

    # ---- the platform's config (a ConfigTree or a JunosConfig: each platform knows its own) --
    @classmethod
    def initial_config(cls, spec: DeviceSpec) -> Any:
        """The running config a device of this platform boots with."""
        raise NotImplementedError

    @classmethod
    def hostname_of(cls, config: Any) -> str | None:
        """The hostname `config` sets, if any."""
        raise NotImplementedError

    # ---- the session ----------------------------------------------------------------------------
    @property
    def hostname(self) -> str:
        return self.rt.hostname

    def banner(self) -> str:
        return ""

    def prompt(self) -> str:
        raise NotImplementedError

    async def run_shell(self) -> None:
        term = self.term
        assert term is not None
        banner = self.banner()
        if banner:
            term.write(banner)
        while not self.closed:
            term.write(self.prompt())
            line = await term.readline()
            if line is None:
                return
            await self.handle_line(line)

    async def run_exec(self, command_line: str) -> None:
        """A single command without a shell (`ssh host show version`)."""
        assert self.term is not None
        self.term.page_length = 0
        for line in command_line.split(";"):
            await self.handle_line(line)

    async def handle_line(self, line: str) -> None:
        assert self.term is not None
        if line in (CTRL_C, CTRL_Z):
            self.on_interrupt(line)
            return
        stripped = line.strip()
        if not stripped:
            return
        self.current_line = stripped
        faults = self.rt.spec.faults
        latency = faults.latency_ms or self.rt.options.latency_ms
        if latency:
            await asyncio.sleep(latency / 1000)
        if command_matches(faults.hang_after_command, stripped):
            await self.term.hang()
        if faults.config_refused and stripped.lower().startswith(self.running_config_commands):
            out: str | None = faults.config_refused
        else:
            out = await self.execute(stripped)
        if out:
            await self.term.emit(out, stripped)

    def on_interrupt(self, key: str) -> None:
        pass

    async def execute(self, line: str) -> str | None:
        return await self.run_command(line, self.table(self.priv))

    async def run_command(self, line: str, table: CommandTable) -> str | None:
        cmd, pipes = split_pipes(line)
        found = table.match(cmd)
        if isinstance(found, MatchError):
            return self.format_error(found, cmd)
        out = await self.call(found, pipes)
        if out is None:
            return None
        for pipe in pipes:
            try:
                out = apply_pipe(out, pipe, self.vendor_family)
            except ValueError:
                return self.format_pipe_error(pipe)
        return out

    async def call(self, found: Match, pipes: list[str]) -> str | None:
        result = found.handler(self, *found.args)
        if inspect.isawaitable(result):
            result = await result
        return result

    def format_error(self, err: MatchError, line: str) -> str:
        if err.kind == "ambiguous":
            return f'% Ambiguous command:  "{line}"'
        if err.kind == "incomplete":
            return "% Incomplete command.\n"
        caret = " " * (len(self.prompt()) + err.position) + "^"
        return f"{caret}\n% Invalid input detected at '^' marker.\n"

    def format_pipe_error(self, pipe: str) -> str:
        return "% Invalid input detected at '^' marker.\n"

    def close(self) -> None:
        self.closed = True
