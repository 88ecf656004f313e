"""The NAS registry's writes and the operator's CoA/Disconnect, audited.

A NAS secret arrives in plain text, is stored encrypted and never leaves again (the API shows
`has_secret`); the supervisor of `manage.py radius` restarts FreeRADIUS when the registry changed.
"""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError

from webnet.aaa import coa
from webnet.aaa.models import CoaAttempt, Nas, RadAcct
from webnet.core import audit, changes, crypto

SECRET_CHARACTERS = set("".join(chr(c) for c in range(0x21, 0x7F)))
# FreeRADIUS knows a client by its source address, so an address is one NAS platform-wide. The
# error reads the same whoever holds the address: it must not tell that another customer does.
ADDRESS_TAKEN = {"nasname": "This address cannot be registered as a NAS."}


def address_taken(nasname: str, nas: Nas | None = None) -> bool:
    """Whether another NAS, of any customer, has this source address (platform-wide on
    purpose: the answer leaves this module only as ADDRESS_TAKEN)."""
    others = Nas.objects.filter(nasname=nasname)
    return (others.exclude(pk=nas.pk) if nas is not None else others).exists()


def _clean_nas(nas: Nas | None, data: dict[str, Any]) -> dict[str, Any]:
    """`secret` (plain) becomes `secret_encrypted`; a new NAS must have one."""
    secret = data.pop("secret", None)
    if secret:
        if not set(secret) <= SECRET_CHARACTERS:
            raise ValidationError({"secret": "Use printable ASCII without spaces."})
        data["secret_encrypted"] = crypto.encrypt(secret)
    elif nas is None or secret == "":
        raise ValidationError({"secret": "A NAS needs its RADIUS shared secret."})
    if "nasname" in data and address_taken(data["nasname"], nas):
        raise ValidationError(ADDRESS_TAKEN)
    return data


def create_nas(actor: Any, data: dict[str, Any]) -> Nas:
    data = _clean_nas(None, dict(data))
    return _saved(data, None, lambda: changes.create(actor, Nas, data))


def update_nas(actor: Any, nas: Nas, data: dict[str, Any]) -> Nas:
    """A `secret` absent from `data` keeps the stored one."""
    data = _clean_nas(nas, dict(data))
    return _saved(data, nas, lambda: changes.update(actor, nas, data))


def _saved(data: dict[str, Any], nas: Nas | None, save: Callable[[], Nas]) -> Nas:
    """`save()`, with a concurrent registration that won the address between the check and
    the write answered as ADDRESS_TAKEN too."""
    try:
        return save()
    except IntegrityError:
        if "nasname" in data and address_taken(data["nasname"], nas):
            raise ValidationError(ADDRESS_TAKEN) from None
        raise


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
