"""The NAS registry's writes and the operator's CoA/Disconnect, audited.

A NAS secret arrives in plain text, is stored encrypted and never leaves again (the API shows
`has_secret`); the supervisor of `manage.py radius` restarts FreeRADIUS when the registry changed.
"""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError

from webnet.aaa import coa
from webnet.aaa.models import CoaAttempt, Nas, RadAcct
from webnet.core import audit, changes, crypto

SECRET_CHARACTERS = set("".join(chr(c) for c in range(0x21, 0x7F)))


def _clean_nas(nas: Nas | None, data: dict[str, Any]) -> dict[str, Any]:
    """`secret` (plain) becomes `secret_encrypted`; a new NAS must have one."""
    secret = data.pop("secret", None)
    if secret:
        if not set(secret) <= SECRET_CHARACTERS:
            raise ValidationError({"secret": "Use printable ASCII without spaces."})
        data["secret_encrypted"] = crypto.encrypt(secret)
    elif nas is None or secret == "":
        raise ValidationError({"secret": "A NAS needs its RADIUS shared secret."})
    return data


def create_nas(actor: Any, data: dict[str, Any]) -> Nas:
    return changes.create(actor, Nas, _clean_nas(None, dict(data)))


def update_nas(actor: Any, nas: Nas, data: dict[str, Any]) -> Nas:
    """A `secret` absent from `data` keeps the stored one."""
    return changes.update(actor, nas, _clean_nas(nas, dict(data)))


def send_coa(actor: Any, session: RadAcct, attributes: dict[str, str]) -> CoaAttempt:
    """An operator's CoA on a session; the attempt and an audit event record it."""
    return _sent(actor, session, lambda: coa.change_session(session, attributes))


def send_disconnect(actor: Any, session: RadAcct) -> CoaAttempt:
    return _sent(actor, session, lambda: coa.disconnect(session))


def _sent(actor: Any, session: RadAcct, send: Callable[[], CoaAttempt]) -> CoaAttempt:
    try:
        attempt = send()
    except coa.UnknownNas as exc:
        raise ValidationError(
            {"nasipaddress": f"No NAS of this customer has the address {session.nasipaddress}."}
        ) from exc
    _audit(actor, attempt)
    return attempt


def _audit(actor: Any, attempt: CoaAttempt) -> None:
    audit.record(
        f"aaa.{attempt.kind}",
        actor=actor,
        customer_id=attempt.customer_id,
        obj=attempt.session,
        changes={"outcome": attempt.outcome, "attributes": attempt.attributes},
    )
