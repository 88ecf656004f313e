"""Secret keys for embedded installs: taken from the environment, else kept in the state dir.

Imported by settings, so it must not touch Django.
"""

import os
import secrets
from pathlib import Path

from cryptography.fernet import Fernet


class MissingKeyError(RuntimeError):
    """A production install started without a key it must be given."""


def _new_key(name: str) -> str:
    if name == "ENCRYPTION_KEY":
        return Fernet.generate_key().decode()
    return secrets.token_urlsafe(50)


def load_or_create_key(value: str, path: Path, name: str, production: bool) -> str:
    """Return `value` if set; otherwise read `path`, creating it (mode 0600) on first run.

    Production refuses to invent keys: losing a generated ENCRYPTION_KEY loses every credential.
    """
    if value:
        return value
    if production:
        raise MissingKeyError(f"{name} must be set when WEBNET_PRODUCTION is true")
    if path.exists():
        return path.read_text().strip()
    key = _new_key(name)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key + "\n")
    return key
