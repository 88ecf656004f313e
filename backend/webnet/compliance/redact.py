"""Compliance output as a user may see it: secrets masked for those who may not see them.

Result details quote configuration lines (forbidden lines found, values captured by a regex) and
remediation lines repeat them, so they follow the snapshot rule: admins see the raw text, everyone
else sees secrets (passwords, keys, communities) masked exactly as in the config view.
"""

from typing import Any

from webnet.config_mgmt.sanitize import MASK, mask_secrets
from webnet.config_mgmt.services import may_see_secrets

HIDDEN = "captured value hidden (it is a secret)"


def mask_line(line: str) -> str:
    """One line masked; negations (`no …`, Junos `delete …`) are masked like what they negate."""
    stripped = line.lstrip()
    indent = line[: len(line) - len(stripped)]
    for prefix, positive in (("no ", ""), ("delete ", "set ")):
        if stripped.startswith(prefix):
            masked = mask_secrets("", positive + stripped[len(prefix) :])
            return indent + prefix + masked[len(positive) :]
    return mask_secrets("", line)


def _mask(value: Any) -> Any:
    if isinstance(value, str):
        return "\n".join(mask_line(line) for line in value.split("\n"))
    if isinstance(value, list):
        return [_mask(item) for item in value]
    if isinstance(value, dict):
        return {key: _mask(item) for key, item in value.items()}
    return value


def _has_secret(lines: list[str]) -> bool:
    return any(mask_line(line) != line for line in lines)


def details(value: dict[str, Any]) -> dict[str, Any]:
    """Masked details; a value captured from a line holding a secret is masked whole."""
    masked = _mask(value)
    if _has_secret(value.get("matched", [])):
        for key in ("captured", "failing"):
            if key in masked:
                masked[key] = [MASK for _ in masked[key]]
    for block in masked.get("failures", {}).values():
        if _has_secret(block.get("matched", [])):
            for key in ("captured", "failing"):
                if key in block:
                    block[key] = [MASK for _ in block[key]]
            block["message"] = HIDDEN
    return masked


def message(text: str, raw_details: dict[str, Any]) -> str:
    if _has_secret(raw_details.get("matched", [])):
        return HIDDEN
    return str(_mask(text))


class Redactor:
    """Decides once per customer whether `user` sees secrets, then masks what they may not."""

    def __init__(self, user: Any) -> None:
        self.user = user
        self._allowed: dict[int, bool] = {}

    def sees_secrets(self, customer_id: int) -> bool:
        if customer_id not in self._allowed:
            self._allowed[customer_id] = may_see_secrets(self.user, customer_id)
        return self._allowed[customer_id]

    def result(self, customer_id: int, text: str, raw: dict[str, Any]) -> tuple[str, dict]:
        if self.sees_secrets(customer_id):
            return text, raw
        return message(text, raw), details(raw)

    def lines(self, customer_id: int, lines: list[str]) -> list[str]:
        return lines if self.sees_secrets(customer_id) else [mask_line(line) for line in lines]
