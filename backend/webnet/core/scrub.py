"""Removing known secrets from text before it is stored or broadcast."""

from collections.abc import Iterable

REDACTED = "********"


class Scrubber:
    """Replaces every occurrence of the given secrets (longest first, so overlaps go too)."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._secrets: list[str] = []
        self.add(secrets)

    def add(self, secrets: Iterable[str]) -> None:
        found = {s for s in secrets if s and s.strip()} | set(self._secrets)
        self._secrets = sorted(found, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for secret in self._secrets:
            if secret in text:
                text = text.replace(secret, REDACTED)
        return text

    def deep(self, value: object) -> object:
        """Scrub strings inside JSON-like data (dicts, lists)."""
        if isinstance(value, str):
            return self(value)
        if isinstance(value, dict):
            return {key: self.deep(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self.deep(item) for item in value]
        return value
