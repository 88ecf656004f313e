"""A provisioning plan's RADIUS part: rows through aaa.provisioning, live sessions through
aaa.coa. The password placeholder is resolved here, at the last moment, and goes nowhere else.
"""

from typing import Any

from webnet.aaa import coa
from webnet.aaa import provisioning as aaa
from webnet.aaa.models import RadAcct
from webnet.subscribers.models import ServiceInstance
from webnet.subscribers.plan_builder import PASSWORD_PLACEHOLDER

Attribute = tuple[str, str, str]


def _tuples(rows: list[dict[str, str]], password: str) -> list[Attribute]:
    return [
        (
            row["attribute"],
            row["op"],
            password if row["value"] == PASSWORD_PLACEHOLDER else row["value"],
        )
        for row in rows
    ]


def desired(service: ServiceInstance, part: dict[str, Any]) -> aaa.UserRows:
    """The rows the part asks for (empty when it removes the user)."""
    if part.get("remove"):
        return aaa.UserRows()
    password = service.reveal_password()
    return aaa.desired_rows(
        check=_tuples(part["check"], password),
        reply=_tuples(part["reply"], password),
        groups=list(part["groups"]),
    )


def write_rows(service: ServiceInstance, part: dict[str, Any] | None) -> str:
    """Make the login's rows what the plan says; a short word for the plan's outcome."""
    if part is None:
        return "no login"
    if part.get("remove"):
        aaa.remove_user(service.customer, part["login"])
        return "removed"
    rows = desired(service, part)
    aaa.apply_user(
        service.customer,
        part["login"],
        check=list(rows.check),
        reply=list(rows.reply),
        groups=list(rows.groups),
    )
    return "written"


def remove_login(service: ServiceInstance, login: str) -> None:
    """A renamed login's rows go (in the caller's transaction, with the new ones written)."""
    if login:
        aaa.remove_user(service.customer, login)


def live_sessions(service: ServiceInstance, login: str = "") -> list[RadAcct]:
    """The open sessions of `login` (default: the service's own)."""
    username = login or service.login
    if not username:
        return []
    return list(
        RadAcct.objects.for_customer(service.customer_id).filter(
            username=username, acctstoptime__isnull=True
        )
    )


def send(service: ServiceInstance, action: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The CoA or Disconnect to every live session of the login (the action's own, after a
    rename), and what each NAS answered."""
    if action is None:
        return []
    results: list[dict[str, Any]] = []
    for session in live_sessions(service, action.get("login", "")):
        try:
            if action["action"] == "disconnect":
                attempt = coa.disconnect(session)
            else:
                attributes = {row["attribute"]: row["value"] for row in action["attributes"]}
                attempt = coa.change_session(session, attributes)
        except coa.UnknownNas:
            results.append({"session": session.acctsessionid, "outcome": "unknown NAS"})
            continue
        results.append(
            {
                "session": session.acctsessionid,
                "kind": attempt.kind,
                "outcome": attempt.outcome,
                "error_cause": attempt.error_cause,
                "tries": attempt.tries,
            }
        )
    return results
