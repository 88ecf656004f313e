"""Configuration text as a user may see it, wherever it travels: plans, jobs, logs, diffs.

Why one place: secrets were masked in snapshots but readable in change plans, deploy job
parameters and results, preview diffs, rollback commands and commands.run output. Admins see
the raw text; everyone else sees every string masked line by line with the snapshot rules.
"""

import re
from typing import Any

from webnet.config_mgmt.sanitize import mask_secrets
from webnet.config_mgmt.services import may_see_secrets

# Where a configuration line starts inside other text: after a unified diff's +/- marker, or
# after "reason: " / "; " in a message ("not on the device after the change: a; b").
_DIFF_MARK = re.compile(r"^[+-](?![+-]{2})")
_QUOTED = re.compile(r"(: |; )")


def mask_line(line: str, platform: str = "") -> str:
    """One line masked, also where it is quoted in a diff or a message."""
    mark = _DIFF_MARK.match(line)
    if mark:
        return mark.group() + mask_line(line[1:], platform)
    head, *rest = _QUOTED.split(line)
    if not rest:
        return _mask_statement(line, platform)
    masked = _mask_statement(line, platform)
    if masked != line:
        return masked
    return _mask_statement(head, platform) + "".join(
        part if part in (": ", "; ") else _mask_statement(part, platform) for part in rest
    )


def _mask_statement(line: str, platform: str) -> str:
    """One statement; negations (`no …`, Junos `delete …`) are masked like what they negate."""
    stripped = line.lstrip()
    indent = line[: len(line) - len(stripped)]
    for prefix, positive in (("no ", ""), ("delete ", "set ")):
        if stripped.startswith(prefix):
            masked = mask_secrets(platform, positive + stripped[len(prefix) :])
            return indent + prefix + masked[len(positive) :]
    return mask_secrets(platform, line)


def mask_value(value: Any, platform: str = "") -> Any:
    """Every string inside JSON-like data (dicts, lists) masked, line by line."""
    if isinstance(value, str):
        return "\n".join(mask_line(line, platform) for line in value.split("\n"))
    if isinstance(value, list):
        return [mask_value(item, platform) for item in value]
    if isinstance(value, dict):
        return {key: mask_value(item, platform) for key, item in value.items()}
    return value


class Redactor:
    """Decides once per customer whether `user` sees secrets, then masks what they may not."""

    def __init__(self, user: Any) -> None:
        self.user = user
        self._allowed: dict[int, bool] = {}

    def sees_secrets(self, customer_id: int) -> bool:
        if customer_id not in self._allowed:
            self._allowed[customer_id] = may_see_secrets(self.user, customer_id)
        return self._allowed[customer_id]

    def value(self, customer_id: int, value: Any, platform: str = "") -> Any:
        """`value` as this user may see it (`platform` "" when the text's origin is mixed)."""
        return value if self.sees_secrets(customer_id) else mask_value(value, platform)
