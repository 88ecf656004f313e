"""Compliance output as a user may see it: secrets masked for those who may not see them.

Result details quote configuration lines (forbidden lines found, values captured by a regex) and
remediation lines repeat them, so they follow the snapshot rule: admins see the raw text, everyone
else sees secrets (passwords, keys, communities) masked exactly as in the config view.
"""

from typing import Any

from webnet.config_mgmt.redact import Redactor as ConfigRedactor
from webnet.config_mgmt.redact import mask_line, mask_value
from webnet.config_mgmt.sanitize import MASK

HIDDEN = "captured value hidden (it is a secret)"


def _has_secret(lines: list[str]) -> bool:
    return any(mask_line(line) != line for line in lines)


def details(value: dict[str, Any]) -> dict[str, Any]:
    """Masked details; a value captured from a line holding a secret is masked whole."""
    masked = mask_value(value)
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
    return str(mask_value(text))


class Redactor(ConfigRedactor):
    """The configuration rule, plus compliance results whose captured values may be secrets."""

    def result(self, customer_id: int, text: str, raw: dict[str, Any]) -> tuple[str, dict]:
        if self.sees_secrets(customer_id):
            return text, raw
        return message(text, raw), details(raw)

    def lines(self, customer_id: int, lines: list[str]) -> list[str]:
        return lines if self.sees_secrets(customer_id) else [mask_line(line) for line in lines]
