"""What a command gives back to the runner."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CommandResult:
    """One command's output without echo and prompt. `rejected` is set (instead of raising)
    when the caller asked for `check=False` and the device answered with an error line."""

    command: str
    output: str
    elapsed: float  # seconds from sending the command to seeing the prompt
    rejected: bool = False
