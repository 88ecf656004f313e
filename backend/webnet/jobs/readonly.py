"""Is a CLI line read-only on a platform? The guard in front of `commands.run`.

Why an allow-list: a deny-list of prefixes let `show clock\\nconfigure terminal…` (one list item
holding several lines) and `wr` through. Each line must now start with a read-only verb of its
platform and may pipe only through that platform's display filters (devices.platforms data).
"""

import re

from webnet.devices.platforms import READ_ONLY_CLI

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _full(spelled: str) -> str:
    return spelled.replace("(", "").replace(")", "")


def _matches(word: str, spelled: str) -> bool:
    """ "sh(ow)" matches "sh", "sho" and "show"; "ping" only "ping"."""
    shortest = spelled.split("(")[0]
    return len(word) >= len(shortest) and _full(spelled).startswith(word)


def _named(words: tuple[str, ...]) -> str:
    return ", ".join(_full(w) for w in words)


def refusal(platform: str, line: str) -> str | None:
    """Why `line` may not be sent to a `platform` device, or None when it is read-only."""
    if _CONTROL.search(line):
        return "control characters are not allowed"
    if ">" in line:
        return "output redirection (>) is not allowed"
    allowed = READ_ONLY_CLI.get(platform)
    if allowed is None:
        return "no read-only commands are known for this platform"
    command, *pipes = line.split("|")
    words = command.split()
    if not words or not any(_matches(words[0].lower(), v) for v in allowed["verbs"]):
        return f"only {_named(allowed['verbs'])} commands may run"
    for pipe in pipes:
        words = pipe.split()
        if not words or not any(_matches(words[0].lower(), f) for f in allowed["filters"]):
            return (
                f"'| {pipe.strip()}' is not a display filter "
                f"(allowed: {_named(allowed['filters'])})"
            )
    return None


def first_refused(platforms: set[str], lines: list[str]) -> str | None:
    """A message naming the first line (and platform) that is not read-only, or None."""
    for line in lines:
        for platform in sorted(platforms):
            reason = refusal(platform, line)
            if reason:
                return f"not a read-only command on {platform}: {line!r} ({reason})"
    return None


def refused_everywhere(lines: list[str]) -> str | None:
    """The first line that is read-only on no platform at all (checked before targets are known)."""
    for line in lines:
        reasons = [refusal(platform, line) for platform in sorted(READ_ONLY_CLI)]
        if all(reasons):
            return f"not a read-only command: {line!r} ({reasons[0]})"
    return None
