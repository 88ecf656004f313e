"""Is what a device sent for its running configuration a configuration at all?

Why: a backup stores whatever comes back, so a one-line refusal the error patterns did not catch
(`Command authorization failed.` from an AAA server, `Unknown command`) would be kept as the
device's latest configuration and diffed against the real one. The facts per platform (minimum
lines, markers) are data on its Platform row; refusals are looked for in the first lines only,
where a device puts them (a banner further down may say anything).
"""

from __future__ import annotations

import re
from itertools import islice

from .platforms import Platform

# Refusal wording of any vendor, beyond the platform's own error patterns.
REFUSALS = re.compile(
    r"^\s*(?:%|command authori[sz]ation failed|unknown command|invalid (?:input|command)"
    r"|permission denied|access denied|not authori[sz]ed|error:)",
    re.IGNORECASE,
)
HEAD_LINES = 5
_LINE = re.compile(r"^[ \t]*\S.*$", re.MULTILINE)


def implausible_config(platform: Platform, text: str) -> str | None:
    """Why `text` is not a running configuration of `platform`, or None when it may be one."""
    wanted = max(platform.config_min_lines, HEAD_LINES)
    lines = [m[0] for m in islice(_LINE.finditer(text), wanted)]
    for line in lines[:HEAD_LINES]:
        if platform.errors.match(line) or REFUSALS.match(line):
            return f"the device answered {line.strip()[:120]!r}"
    if len(lines) < platform.config_min_lines:
        return (
            f"{len(lines)} line(s), a {platform.name} configuration has at least "
            f"{platform.config_min_lines}"
        )
    missing = [name for name, marker in platform.config_markers if not marker.search(text)]
    if missing:
        return f"no {', '.join(missing)} line, which every {platform.name} configuration has"
    return None
