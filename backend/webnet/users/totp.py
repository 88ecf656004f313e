"""TOTP second factor: enrolment, verification, and the per-customer rule for admins.

A customer may require it of its admins (`Customer.require_admin_totp`). The rule applies to
every way in: the UI login asks for a code (or for enrolment) before the session is logged in,
and API tokens of a user who must have a second factor but has not enrolled are refused.
"""

import pyotp
from django.db import transaction
from django.utils import timezone

from webnet.core import audit, crypto
from webnet.customers.models import Membership, Role
from webnet.users.models import TOTPDevice, User

ISSUER = "webnet"


def required(user: User) -> bool:
    """Whether an admin membership of `user` is in a customer that requires TOTP of admins."""
    return Membership.objects.filter(
        user=user, role=Role.ADMIN, customer__require_admin_totp=True
    ).exists()


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed_at__isnull=False).first()


def must_verify(user: User) -> bool:
    """Login needs a code: the user enrolled, or must enrol first."""
    return confirmed_device(user) is not None or required(user)


def lacks_required_enrolment(user: User) -> bool:
    return required(user) and confirmed_device(user) is None


def start_enrolment(user: User) -> tuple[str, str]:
    """A fresh secret for the user's authenticator app (replaces an unconfirmed one).

    Returns (secret, otpauth URI). A confirmed device stays until the new one is confirmed.
    """
    secret = pyotp.random_base32()
    TOTPDevice.objects.filter(user=user, confirmed_at__isnull=True).delete()
    if not TOTPDevice.objects.filter(user=user).exists():
        TOTPDevice.objects.create(user=user, secret_encrypted=crypto.encrypt(secret))
    return secret, provisioning_uri(user, secret)


def provisioning_uri(user: User, secret: str) -> str:
    """The otpauth:// URI authenticator apps import (typed in, or as a QR code elsewhere)."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=ISSUER)


def _accept(device: TOTPDevice, secret: str, code: str) -> bool:
    totp = pyotp.TOTP(secret)
    now = timezone.now()
    step = totp.timecode(now)
    for candidate in (step, step - 1):  # allow the previous window: clocks drift
        if candidate > device.last_step and pyotp.utils.strings_equal(
            totp.generate_otp(candidate), code.strip()
        ):
            device.last_step = candidate
            return True
    return False


@transaction.atomic
def confirm_enrolment(user: User, secret: str, code: str) -> bool:
    """Confirm the secret shown at enrolment with a code from the app; audited."""
    device = TOTPDevice.objects.select_for_update().filter(user=user).first()
    if device is None or not _accept(device, secret, code):
        return False
    device.secret_encrypted = crypto.encrypt(secret)
    device.confirmed_at = timezone.now()
    device.save(update_fields=["secret_encrypted", "confirmed_at", "last_step"])
    audit.record("totp_enrolled", actor=user, obj=user)
    return True


@transaction.atomic
def verify(user: User, code: str) -> bool:
    """Check a login code against the confirmed device; a code works once."""
    device = (
        TOTPDevice.objects.select_for_update().filter(user=user, confirmed_at__isnull=False).first()
    )
    if device is None or not _accept(device, crypto.decrypt(device.secret_encrypted), code):
        return False
    device.save(update_fields=["last_step"])
    return True
