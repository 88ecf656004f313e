"""The pure core of provisioning: (service facts, transition) → the plan body and its hash.

No database, no network: the caller gathers plain facts and passes a `render(body, context)`
function for the device templates, so the builder is tested on its own and a plan is the same
whoever builds it. The body never holds the login password: the check row carries
PASSWORD_PLACEHOLDER, and `password_rev` (when the password last changed) enters the hash so a
new password makes a new plan. `reprovision` rewrites a live service's rows as the facts are now;
when its login was renamed (`previous_login`), the old login's rows go and its sessions are
disconnected so they authenticate again under the new one.
"""

import hashlib
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

PASSWORD_PLACEHOLDER = "{service.password}"
RATE_ATTRIBUTE = "Mikrotik-Rate-Limit"

# transition → (statuses it may start from, the status it leads to; None: stays as it is).
# A transition re-run from its own result is allowed: it builds the same plan, hence a no-op.
TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    "activate": (frozenset({"pending", "active"}), "active"),
    "suspend": (frozenset({"active", "suspended"}), "suspended"),
    "restore": (frozenset({"suspended", "active"}), "active"),
    "change_plan": (frozenset({"active", "suspended", "pending"}), None),
    "terminate": (frozenset({"pending", "active", "suspended", "terminated"}), "terminated"),
    "reprovision": (frozenset({"active", "suspended"}), None),
}


class TransitionError(ValueError):
    """The transition cannot start from the service's status."""


@dataclass(frozen=True)
class PlanFacts:
    name: str
    down_kbps: int
    up_kbps: int
    burst_kbps: int | None = None
    vlan: int | None = None
    ip_pool: str = ""
    session_timeout: int | None = None
    suspend_strategy: str = "throttle"
    throttle_kbps: int = 256
    walled_garden: str = "walled-garden"


@dataclass(frozen=True)
class ServiceFacts:
    service_id: int
    account_number: str
    device_id: int
    plan: PlanFacts
    status: str = "pending"
    login: str = ""
    password_rev: str = ""
    previous_login: str = ""  # reprovision: the login this one replaces
    port: str = ""
    onu_id: str = ""
    vlan: int | None = None
    static_address: str | None = None
    ip_pool: str = ""


Render = Callable[[str, dict[str, Any]], str]


def next_status(current: str, transition: str) -> str:
    if transition not in TRANSITIONS:
        raise TransitionError(f"unknown transition {transition!r}")
    allowed, after = TRANSITIONS[transition]
    if current not in allowed:
        raise TransitionError(f"a {current} service cannot {transition.replace('_', ' ')}")
    return after or current


def _row(attribute: str, op: str, value: Any) -> dict[str, str]:
    return {"attribute": attribute, "op": op, "value": str(value)}


def _rate(down_kbps: int, up_kbps: int) -> list[dict[str, str]]:
    """The rate as Mikrotik-Rate-Limit (`<up>k/<down>k`, rx/tx seen from the NAS), which
    FreeRADIUS's dictionary, MikroTik, many BNGs and the lab BNG read."""
    return [_row(RATE_ATTRIBUTE, ":=", f"{up_kbps}k/{down_kbps}k")]


def session_attributes(service: ServiceFacts, status: str) -> list[dict[str, str]]:
    """What a live session of the service gets: the plan's rate, or its suspension's."""
    plan = service.plan
    if status == "suspended" and plan.suspend_strategy == "throttle":
        floor = max(1, plan.throttle_kbps)  # never 0: the subscriber still reaches the portal
        return _rate(floor, floor)
    rows = _rate(plan.down_kbps, plan.up_kbps)
    if status == "suspended" and plan.suspend_strategy == "redirect":
        rows.append(_row("Filter-Id", ":=", plan.walled_garden))
    return rows


def radius_rows(service: ServiceFacts, status: str) -> dict[str, Any] | None:
    """The rlm_sql rows of the login in `status`; `remove` when the service is gone."""
    if not service.login:
        return None
    if status in ("pending", "terminated"):
        return {"login": service.login, "remove": True}
    plan = service.plan
    check = [_row("Cleartext-Password", ":=", PASSWORD_PLACEHOLDER)]
    if status == "suspended" and plan.suspend_strategy == "block":
        check.append(_row("Auth-Type", ":=", "Reject"))
    reply = session_attributes(service, status)
    if service.static_address:
        reply.append(_row("Framed-IP-Address", ":=", service.static_address))
    elif service.ip_pool or plan.ip_pool:
        reply.append(_row("Framed-Pool", ":=", service.ip_pool or plan.ip_pool))
    if plan.session_timeout:
        reply.append(_row("Session-Timeout", ":=", plan.session_timeout))
    return {"login": service.login, "check": check, "reply": reply, "groups": []}


def renamed_from(service: ServiceFacts) -> str:
    """The login a reprovision replaces ("" when the login stays)."""
    previous = service.previous_login
    return previous if previous and previous != service.login else ""


def session_action(
    service: ServiceFacts, before: str, after: str, transition: str = ""
) -> dict[str, Any] | None:
    """The CoA or Disconnect a live session needs after the transition (None: nothing)."""
    if transition == "reprovision":
        # Sessions under the old name hold nothing the new rows say: they log in again.
        old = renamed_from(service)
        return {"action": "disconnect", "login": old} if old else None
    if not service.login or after == "pending":
        return None
    blocked = after == "suspended" and service.plan.suspend_strategy == "block"
    if after == "terminated" or blocked:
        return {"action": "disconnect"} if before in ("active", "suspended") else None
    if before == "pending":
        return None  # no session can exist yet: the first login gets the rows
    return {"action": "coa", "attributes": session_attributes(service, after)}


def template_context(service: ServiceFacts, status: str) -> dict[str, Any]:
    """What a plan's device template sees (plain data): the service as it will be."""
    plan = service.plan
    data = asdict(service)
    data.pop("password_rev")
    data.pop("previous_login")
    data["status"] = status
    data["vlan"] = service.vlan or plan.vlan
    data["ip_pool"] = service.ip_pool or plan.ip_pool
    data["rate"] = session_attributes(service, status)
    data["down_kbps"], data["up_kbps"] = _effective_kbps(service, status)
    return {"service": data, "plan": asdict(plan), "status": status}


def _effective_kbps(service: ServiceFacts, status: str) -> tuple[int, int]:
    plan = service.plan
    if status == "suspended" and plan.suspend_strategy == "throttle":
        return max(1, plan.throttle_kbps), max(1, plan.throttle_kbps)
    return plan.down_kbps, plan.up_kbps


def device_lines(
    service: ServiceFacts, status: str, templates: list[str], render: Render
) -> dict[str, Any] | None:
    """The access device's configuration lines, from the plan's templates for its platform."""
    if not templates:
        return None
    context = template_context(service, status)
    lines = [
        line.rstrip()
        for body in templates
        for line in render(body, context).splitlines()
        if line.strip()
    ]
    return {"device": service.device_id, "lines": lines} if lines else None


def content_hash(body: dict[str, Any], password_rev: str) -> str:
    """sha256 of the desired state (status, plan, RADIUS rows, device lines, password revision).

    The session action is left out: it follows from the move between states, so re-running a
    transition that already reached its state hashes the same and does nothing."""
    desired = {key: body[key] for key in ("service", "status", "plan", "radius", "device")}
    canonical = json.dumps([desired, password_rev], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def build(
    service: ServiceFacts,
    transition: str,
    *,
    templates: list[str],
    render: Render,
) -> tuple[dict[str, Any], str]:
    """The plan body of `transition` for `service` and its content hash."""
    after = next_status(service.status, transition)
    body = {
        "service": service.service_id,
        "status": after,
        "plan": service.plan.name,
        "radius": radius_rows(service, after),
        "device": device_lines(service, after, templates, render),
        "session": session_action(service, service.status, after, transition),
        "replaces_login": renamed_from(service) if transition == "reprovision" else "",
    }
    return body, content_hash(body, service.password_rev)
