"""CoA and Disconnect: change a live session's rate or plan, or end it, at the NAS that holds it.

The request goes to the NAS's own CoA port with its own secret (the registry row whose address
and customer match the session); every outcome — ACK, NAK with its Error-Cause, or timeout after
bounded retries — is stored as a CoaAttempt. Callers (subscribers' transitions, the API) have
passed the gate for the session.
"""

from collections.abc import Iterable, Mapping

from django.conf import settings

from webnet.aaa.models import CoaAttempt, Nas, RadAcct
from webnet.drivers import radius

CoaOutcome = CoaAttempt  # the stored attempt is the outcome: kind, ACK/NAK/timeout, cause, tries


class UnknownNas(LookupError):
    """The session's NAS address is not in its customer's NAS registry: nothing to sign with."""


def unknown_attributes(names: Iterable[str]) -> list[str]:
    """The attribute names the RADIUS dictionary does not know (a CoA could not carry them)."""
    known = radius.dictionary().attributes
    return sorted(name for name in names if name not in known)


def change_session(session: RadAcct, attributes: Mapping[str, object]) -> CoaOutcome:
    """Send a CoA-Request carrying `attributes` (e.g. {"Mikrotik-Rate-Limit": "2M/2M"})."""
    return _send(session, CoaAttempt.Kind.COA, attributes)


def disconnect(session: RadAcct) -> CoaOutcome:
    """Send a Disconnect-Request; the session stays online until its Accounting-Stop."""
    return _send(session, CoaAttempt.Kind.DISCONNECT, {})


def _send(session: RadAcct, kind: str, attributes: Mapping[str, object]) -> CoaOutcome:
    nas = Nas.objects.for_customer(session.customer_id).filter(nasname=session.nasipaddress).first()
    if nas is None:
        raise UnknownNas(session.nasipaddress)
    identity: dict[str, object] = {
        "User-Name": session.username,
        "Acct-Session-Id": session.acctsessionid,
        "NAS-IP-Address": session.nasipaddress,
    }
    answer = radius.send_change(
        nas.nasname,
        nas.coa_port,
        nas.reveal_secret(),
        {**identity, **attributes},
        disconnect=kind == CoaAttempt.Kind.DISCONNECT,
        timeout=settings.WEBNET_RADIUS_COA_TIMEOUT,
        tries=settings.WEBNET_RADIUS_COA_TRIES,
    )
    return CoaAttempt.objects.create(
        customer_id=session.customer_id,
        session=session,
        nas=nas,
        kind=kind,
        attributes=attributes,
        outcome=answer.outcome,
        error_cause=answer.error_cause,
        tries=answer.tries,
    )
