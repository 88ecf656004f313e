"""Key ring: generated keys for embedded installs, rotation re-encrypts under the first key."""

from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command

from webnet.core import crypto
from webnet.core.keyfiles import MissingKeyError, load_or_create_key
from webnet.devices.models import Credential
from webnet.tests import factories as f


def test_key_is_generated_once_with_private_mode(tmp_path: Path) -> None:
    path = tmp_path / "encryption_key"
    first = load_or_create_key("", path, "ENCRYPTION_KEY", production=False)
    assert Fernet(first.encode())  # a valid Fernet key
    assert path.stat().st_mode & 0o777 == 0o600
    assert load_or_create_key("", path, "ENCRYPTION_KEY", production=False) == first
    assert load_or_create_key("given", path, "ENCRYPTION_KEY", production=False) == "given"


def test_production_refuses_to_invent_keys(tmp_path: Path) -> None:
    with pytest.raises(MissingKeyError):
        load_or_create_key("", tmp_path / "k", "SECRET_KEY", production=True)


@pytest.fixture
def ring(settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.ENCRYPTION_KEYS = [old]
    return settings, old, new


def test_rotation_re_encrypts_every_secret_under_the_new_key(db, ring) -> None:
    settings, old, new = ring
    credential = f.CredentialFactory(password="pw-one", enable_secret="en-one")
    settings.ENCRYPTION_KEYS = [new, old]
    call_command("rotate_encryption_key")
    settings.ENCRYPTION_KEYS = [new]  # the old key is gone: only rotated values still open
    credential = Credential.objects.get(pk=credential.pk)
    assert credential.reveal("password") == "pw-one"
    assert credential.reveal("enable_secret") == "en-one"


def test_rotation_without_the_old_key_fails_and_changes_nothing(db, ring) -> None:
    settings, _old, new = ring
    credential = f.CredentialFactory(password="pw-one")
    before = Credential.objects.get(pk=credential.pk).password_encrypted
    settings.ENCRYPTION_KEYS = [new]
    with pytest.raises(CommandError):
        call_command("rotate_encryption_key")
    assert Credential.objects.get(pk=credential.pk).password_encrypted == before
    with pytest.raises(crypto.DecryptionError):
        credential.reveal("password")
