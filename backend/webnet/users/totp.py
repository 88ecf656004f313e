"""TOTP second factor: enrolment, verification, recovery codes, and disabling it.

A customer may require it of its admins (`Customer.require_admin_totp`); the gate applies that
rule to that customer only (core.access: an admin who has not enrolled does not see it).
Changing a device is a security change: it needs the current device's proof (a code or a recovery
code), and live sockets of the user re-check their session (users.sessions).
"""

import hashlib
import secrets

import pyotp
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from webnet.core import audit, broadcasts, crypto
from webnet.customers.models import Membership, Role
from webnet.users.models import TOTPDevice, User

ISSUER = "webnet"
RECOVERY_CODES = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read off paper
_RECOVERY_LENGTH = 16  # 16 × log2(31) ≈ 79 bits: a plain SHA-256 is enough
BAD_CODE = "That code is not valid: check the app's clock and try again."
BAD_PROOF = "Enter a current code from your authenticator app (or an unused recovery code)."


def required(user: User) -> bool:
    """Whether an admin membership of `user` is in a customer that requires TOTP of admins."""
    return Membership.objects.filter(
        user=user, role=Role.ADMIN, customer__require_admin_totp=True
    ).exists()


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed_at__isnull=False).first()


def new_secret() -> str:
    """A fresh secret for the user's authenticator app; stored only once it is confirmed."""
    return pyotp.random_base32()


def provisioning_uri(user: User, secret: str) -> str:
    """The otpauth:// URI authenticator apps import (typed in, or scanned as a QR code)."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=ISSUER)


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def _normalise(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def _new_recovery_codes(device: TOTPDevice) -> list[str]:
    """Replace the device's recovery codes; the raw values are returned once, stored hashed."""
    raw = [
        "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_LENGTH))
        for _ in range(RECOVERY_CODES)
    ]
    device.recovery_hashes = [_hash(code) for code in raw]
    return ["-".join(code[i : i + 4] for i in range(0, _RECOVERY_LENGTH, 4)) for code in raw]


def _accept_code(device: TOTPDevice, secret: str, code: str) -> bool:
    totp = pyotp.TOTP(secret)
    step = totp.timecode(timezone.now())
    for candidate in (step, step - 1):  # allow the previous window: clocks drift
        if candidate > device.last_step and pyotp.utils.strings_equal(
            totp.generate_otp(candidate), code.strip()
        ):
            device.last_step = candidate
            return True
    return False


def _prove(device: TOTPDevice, value: str) -> bool:
    """A code of the device (each works once) or one of its unused recovery codes (spent here).

    The caller holds the row lock and saves the device.
    """
    if not value.strip():
        return False
    if value.strip().isdigit():
        return _accept_code(device, crypto.decrypt(device.secret_encrypted), value)
    digest = _hash(_normalise(value))
    for stored in device.recovery_hashes:
        if secrets.compare_digest(stored, digest):
            device.recovery_hashes = [h for h in device.recovery_hashes if h != stored]
            audit.record("totp_recovery_used", actor=device.user, obj=device.user)
            return True
    return False


def _locked_device(user: User) -> TOTPDevice | None:
    return (
        TOTPDevice.objects.select_for_update()
        .filter(user=user, confirmed_at__isnull=False)
        .select_related("user")
        .first()
    )


@transaction.atomic
def confirm_enrolment(user: User, *, secret: str, code: str, proof: str = "") -> list[str]:
    """Store the secret shown at enrolment once a code from the app confirms it; audited.

    Replacing a confirmed device needs that device's proof first (`proof`). Returns the new
    recovery codes (shown once). Raises ValidationError keyed by the field that was wrong.
    """
    current = _locked_device(user)
    if current is not None and not _prove(current, proof):
        raise ValidationError({"proof": BAD_PROOF})
    TOTPDevice.objects.filter(user=user, confirmed_at__isnull=True).delete()
    device = current or TOTPDevice(user=user)
    device.last_step = 0
    if not _accept_code(device, secret, code):
        raise ValidationError({"code": BAD_CODE})  # rolls back: the proof is not spent
    device.secret_encrypted = crypto.encrypt(secret)
    device.confirmed_at = timezone.now()
    codes = _new_recovery_codes(device)
    device.save()
    audit.record("totp_replaced" if current else "totp_enrolled", actor=user, obj=user)
    broadcasts.recheck_users_on_commit(user.pk)
    return codes


@transaction.atomic
def verify(user: User, code: str) -> bool:
    """Check a login code (or a recovery code) against the confirmed device; each works once."""
    device = _locked_device(user)
    if device is None:
        return False
    accepted = _prove(device, code)
    if accepted:
        device.save(update_fields=["last_step", "recovery_hashes"])
    return accepted


@transaction.atomic
def regenerate_recovery_codes(user: User, *, proof: str) -> list[str]:
    """New recovery codes (the old ones stop working) for a proof of the device; audited."""
    device = _locked_device(user)
    if device is None or not _prove(device, proof):
        raise ValidationError({"proof": BAD_PROOF})
    codes = _new_recovery_codes(device)
    device.save(update_fields=["last_step", "recovery_hashes"])
    audit.record("totp_recovery_regenerated", actor=user, obj=user)
    return codes


@transaction.atomic
def disable(user: User, *, password: str, proof: str) -> None:
    """Remove the second factor: the password and a proof of the device; audited.

    Customers that require TOTP of their admins then withhold themselves from the user (gate).
    """
    device = _locked_device(user)
    if device is None:
        raise ValidationError({"proof": "Two-factor login is not enabled."})
    if not user.check_password(password):
        raise ValidationError({"password": "That password is not correct."})
    if not _prove(device, proof):
        raise ValidationError({"proof": BAD_PROOF})
    device.delete()
    audit.record("totp_disabled", actor=user, obj=user)
    broadcasts.recheck_users_on_commit(user.pk)


def recovery_codes_left(device: TOTPDevice) -> int:
    return len(device.recovery_hashes)
