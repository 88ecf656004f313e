"""Validation of SSH private keys given for credentials."""

import asyncssh
from django.core.exceptions import ValidationError


def validate_private_key(text: str) -> None:
    """Raise ValidationError unless `text` is an unencrypted private key asyncssh can load."""
    try:
        asyncssh.import_private_key(text)
    except (asyncssh.KeyImportError, ValueError) as exc:
        raise ValidationError(f"not a usable SSH private key: {exc}") from exc
