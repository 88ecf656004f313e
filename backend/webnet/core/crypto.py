"""Encryption of secrets at rest with a MultiFernet key ring (settings.ENCRYPTION_KEYS).

The first key encrypts; every key decrypts, so a new key can be put first and old ciphertexts
re-encrypted at leisure (`manage.py rotate_encryption_key`). Independent of SECRET_KEY.
"""

from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


class DecryptionError(Exception):
    """A ciphertext that no key in the ring opens (wrong or missing key)."""


@cache
def _ring(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.strip().encode()) for key in keys if key.strip()])


def key_ring() -> MultiFernet:
    return _ring(tuple(settings.ENCRYPTION_KEYS))


def encrypt(plaintext: str) -> str:
    """Encrypt text; the empty string stays empty so 'no secret' needs no ciphertext."""
    if not plaintext:
        return ""
    return key_ring().encrypt(plaintext.encode()).decode()


def decrypt(ciphertext: str) -> str:
    if not ciphertext:
        return ""
    try:
        return key_ring().decrypt(ciphertext.encode()).decode()
    except InvalidToken as exc:
        raise DecryptionError("no key in ENCRYPTION_KEY opens this secret") from exc


def rotate(ciphertext: str) -> str:
    """Re-encrypt a ciphertext under the current (first) key."""
    if not ciphertext:
        return ""
    try:
        return key_ring().rotate(ciphertext.encode()).decode()
    except InvalidToken as exc:
        raise DecryptionError("no key in ENCRYPTION_KEY opens this secret") from exc
