"""Removing known secrets from text before it is stored or broadcast."""

import re
from collections.abc import Iterable

REDACTED = "********"


class Scrubber:
    """Replaces every whole-token occurrence of the given secrets (longest first).

    Whole tokens: a weak password such as `cisco` or `admin` is also an ordinary word part, and
    replacing it inside words mangled output ("no ********d policy"). A secret is still caught
    wherever it stands alone: after `password `, in quotes, after `=` or `:`, at a line's end.
    """

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._secrets: list[str] = []
        self._pattern: re.Pattern[str] | None = None
        self.add(secrets)

    def add(self, secrets: Iterable[str]) -> None:
        found = {s for s in secrets if s and s.strip()} | set(self._secrets)
        self._secrets = sorted(found, key=len, reverse=True)
        alternatives = "|".join(re.escape(secret) for secret in self._secrets)
        self._pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)") if found else None

    def __call__(self, text: str) -> str:
        return self._pattern.sub(REDACTED, text) if self._pattern else text

    def deep(self, value: object) -> object:
        """Scrub strings inside JSON-like data (dicts, lists)."""
        if isinstance(value, str):
            return self(value)
        if isinstance(value, dict):
            return {key: self.deep(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self.deep(item) for item in value]
        return value
