"""What people (and the alarm listener, and the tick) do to incidents — the one front door the UI,
the API and chat slash commands all call.

Every change appends an IncidentEvent and updates the incident row in the same transaction, under
a row lock, so the row always says what its log says. Leaving `triggered` stops the escalation
in that same transaction; entering it (open, reopen, re-trigger) starts a run. After the commit,
an open, status or priority change brings the incident's public notice in step (notices.py).
A service with an actor checks that actor's role; `actor=None` is the system (rules, the tick).
"""

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from webnet.core import access, audit
from webnet.core.models import CustomerOwned
from webnet.customers.models import Customer
from webnet.incidents import escalation, notices
from webnet.incidents.log import append_event
from webnet.incidents.models import (
    PAUSE_STATUSES,
    EscalationChain,
    EventKind,
    Incident,
    IncidentEvent,
    IncidentRule,
    Priority,
    SlaPolicy,
    Status,
    Team,
)

if TYPE_CHECKING:  # a stubs-only class (Django builds related managers at run time)
    from django.db.models.fields.related_descriptors import ManyRelatedManager

S = Status
# Which status may follow which; "reopen" is resolved/closed → triggered.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.TRIGGERED: frozenset({S.ACKNOWLEDGED, *PAUSE_STATUSES, S.RESOLVED}),
    S.ACKNOWLEDGED: frozenset({S.TRIGGERED, *PAUSE_STATUSES, S.RESOLVED}),
    **{
        pause: frozenset({S.TRIGGERED, S.ACKNOWLEDGED, *PAUSE_STATUSES, S.RESOLVED} - {pause})
        for pause in PAUSE_STATUSES
    },
    S.RESOLVED: frozenset({S.CLOSED, S.TRIGGERED}),
    S.CLOSED: frozenset({S.TRIGGERED}),
}


def _require(actor: Any, action: str, customer_id: int) -> None:
    if actor is not None:
        access.require(actor, "incident", action, customer_id)


def _locked(incident: Incident) -> Incident:
    """The incident re-read under a row lock: concurrent changes append to the log in turn."""
    return Incident.objects.select_for_update().get(pk=incident.pk)


def _default_policy(customer_id: int) -> SlaPolicy | None:
    return SlaPolicy.objects.for_customer(customer_id).filter(is_default=True).first()


def _next_number(customer_id: int) -> int:
    last = Incident.objects.for_customer(customer_id).aggregate(last=Max("number"))["last"]
    return (last or 0) + 1


@transaction.atomic
def open_incident(
    actor: Any,
    *,
    customer: Customer,
    title: str,
    priority: str = Priority.P3,
    description: str = "",
    team: Team | None = None,
    assignee: Any = None,
    rule: IncidentRule | None = None,
    sla_policy: SlaPolicy | None = None,
    escalation_chain: EscalationChain | None = None,
    devices: Iterable[Any] = (),
    locations: Iterable[Any] = (),
    alarms: Iterable[Any] = (),
    at: datetime | None = None,
) -> Incident:
    """A new triggered incident, its `opened` event, its links, and its escalation run."""
    _require(actor, "add", customer.pk)
    if priority not in Priority.values:
        raise ValidationError({"priority": f"Choose one of {', '.join(Priority.values)}."})
    at = at or timezone.now()
    for attempt in range(3):
        try:
            with transaction.atomic():
                incident = Incident.objects.create(
                    customer=customer,
                    number=_next_number(customer.pk),
                    title=title[:200],
                    description=description,
                    priority=priority,
                    team=team,
                    assignee=assignee,
                    rule=rule,
                    sla_policy=sla_policy or _default_policy(customer.pk),
                    escalation_chain=escalation_chain,
                    opened_by=actor if getattr(actor, "is_authenticated", False) else None,
                    opened_at=at,
                )
                break
        except IntegrityError:  # two incidents took the same number at once
            if attempt == 2:
                raise
    append_event(
        incident, EventKind.OPENED, S.TRIGGERED, actor=actor, at=at, data={"priority": priority}
    )
    _link(incident, actor, at, devices=devices, locations=locations, alarms=alarms)
    if escalation_chain is not None:
        escalation.start_run(incident, at)
    if priority in notices.PUBLIC_PRIORITIES:  # a minor one has nothing to say (a storm opens many)
        notices.sync_after_commit(incident)
    audit.record("incident.open", actor=actor, customer_id=customer.pk, obj=incident)
    return incident


def _apply_status(incident: Incident, status: str, actor: Any, at: datetime, note: str) -> None:
    """The transition, its event, the row's derived times, and escalation start/stop."""
    if status not in TRANSITIONS:
        raise ValidationError({"status": f"Choose one of {', '.join(TRANSITIONS)}."})
    before = incident.status
    if status == before:
        return
    if status not in TRANSITIONS[before]:
        raise ValidationError({"status": f"An incident that is {before} cannot become {status}."})
    reopened = before in (S.RESOLVED, S.CLOSED) and status == S.TRIGGERED
    incident.status = status
    if status == S.ACKNOWLEDGED and incident.acknowledged_at is None:
        incident.acknowledged_at = at
    if status == S.RESOLVED:
        incident.resolved_at = at
    if status == S.CLOSED:
        incident.closed_at = at
    if reopened:
        incident.reopen_count += 1
        incident.resolved_at = None
        incident.closed_at = None
    incident.save()
    data = {"from": before, **({"note": note} if note else {})}
    append_event(incident, EventKind.STATUS, status, actor=actor, at=at, data=data)
    notices.sync_after_commit(incident)
    if status == S.TRIGGERED:
        escalation.start_run(incident, at)
    elif before == S.TRIGGERED:
        escalation.stop_runs(incident, at, reason=status)
    audit.record(
        "incident.status",
        actor=actor,
        customer_id=incident.customer_id,
        obj=incident,
        changes={"status": [before, status]},
    )


@transaction.atomic
def set_status(
    actor: Any, incident: Incident, *, status: str, note: str = "", at: datetime | None = None
) -> Incident:
    """Any allowed transition, pause statuses (waiting on customer/vendor/parts) included."""
    _require(actor, "acknowledge" if status == S.ACKNOWLEDGED else "change", incident.customer_id)
    incident = _locked(incident)
    _apply_status(incident, status, actor, at or timezone.now(), note)
    return incident


def acknowledge_incident(
    actor: Any, incident: Incident, *, note: str = "", at: datetime | None = None
) -> Incident:
    """Acknowledge (stops every pending escalation step in the same transaction)."""
    return set_status(actor, incident, status=S.ACKNOWLEDGED, note=note, at=at)


def resolve_incident(
    actor: Any, incident: Incident, *, note: str = "", at: datetime | None = None
) -> Incident:
    return set_status(actor, incident, status=S.RESOLVED, note=note, at=at)


def close_incident(
    actor: Any, incident: Incident, *, note: str = "", at: datetime | None = None
) -> Incident:
    return set_status(actor, incident, status=S.CLOSED, note=note, at=at)


@transaction.atomic
def reopen_incident(
    actor: Any, incident: Incident, *, note: str = "", at: datetime | None = None
) -> Incident:
    """A resolved or closed incident triggers again (its total-resolve clock runs again)."""
    _require(actor, "change", incident.customer_id)
    incident = _locked(incident)
    if incident.status not in (S.RESOLVED, S.CLOSED):
        raise ValidationError({"status": "Only a resolved or closed incident can be reopened."})
    _apply_status(incident, S.TRIGGERED, actor, at or timezone.now(), note)
    return incident


@transaction.atomic
def set_priority(
    actor: Any, incident: Incident, *, priority: str, at: datetime | None = None
) -> Incident:
    _require(actor, "change", incident.customer_id)
    if priority not in Priority.values:
        raise ValidationError({"priority": f"Choose one of {', '.join(Priority.values)}."})
    incident = _locked(incident)
    if priority != incident.priority:
        before, incident.priority = incident.priority, priority
        incident.save()
        append_event(
            incident, EventKind.PRIORITY, priority, actor=actor, at=at, data={"from": before}
        )
        notices.sync_after_commit(incident)
    return incident


def _member_of_customer(user: Any, customer_id: int, field: str) -> None:
    if user is not None and not access.can(user, "incident", "view", customer_id):
        raise ValidationError({field: "This user cannot see this customer's incidents."})


@transaction.atomic
def assign_incident(
    actor: Any, incident: Incident, *, assignee: Any, at: datetime | None = None
) -> Incident:
    """Assign to a user of the customer (None unassigns); the assignee also watches."""
    _require(actor, "change", incident.customer_id)
    _member_of_customer(assignee, incident.customer_id, "assignee")
    incident = _locked(incident)
    if incident.assignee_id != getattr(assignee, "pk", None):
        incident.assignee = assignee
        incident.save()
        value = str(assignee.pk) if assignee else ""
        name = assignee.get_username() if assignee else ""
        append_event(
            incident, EventKind.ASSIGNED, value, actor=actor, at=at, data={"username": name}
        )
        if assignee is not None:
            incident.watchers.add(assignee)
    return incident


@transaction.atomic
def set_team(
    actor: Any, incident: Incident, *, team: Team | None, at: datetime | None = None
) -> Incident:
    _require(actor, "change", incident.customer_id)
    if team is not None and team.customer_id != incident.customer_id:
        raise ValidationError({"team": "Choose a team of this incident's customer."})
    incident = _locked(incident)
    if incident.team_id != getattr(team, "pk", None):
        incident.team = team
        incident.save()
        value = str(team.pk) if team else ""
        append_event(
            incident,
            EventKind.TEAM,
            value,
            actor=actor,
            at=at,
            data={"name": team.name if team else ""},
        )
    return incident


@transaction.atomic
def add_watcher(actor: Any, incident: Incident, *, user: Any) -> Incident:
    _require(actor, "change", incident.customer_id)
    _member_of_customer(user, incident.customer_id, "user")
    incident = _locked(incident)
    if not incident.watchers.filter(pk=user.pk).exists():
        incident.watchers.add(user)
        append_event(
            incident,
            EventKind.WATCHER,
            str(user.pk),
            actor=actor,
            data={"username": user.get_username()},
        )
    return incident


@transaction.atomic
def add_note(
    actor: Any,
    incident: Incident,
    *,
    text: str,
    public: bool = False,
    at: datetime | None = None,
) -> IncidentEvent:
    """A note; a public one (a reply to the customer) is also the first response if none was."""
    _require(actor, "change", incident.customer_id)
    if not text.strip():
        raise ValidationError({"text": "Write something."})
    incident = _locked(incident)
    at = at or timezone.now()
    event = append_event(
        incident,
        EventKind.NOTE,
        "public" if public else "",
        actor=actor,
        at=at,
        data={"text": text},
    )
    if public and incident.first_response_at is None:
        incident.first_response_at = at
        incident.save()
        append_event(incident, EventKind.RESPONSE, actor=actor, at=at, data={"note": event.seq})
    return event


def _link(
    incident: Incident,
    actor: Any,
    at: datetime,
    *,
    devices: Iterable[Any] = (),
    locations: Iterable[Any] = (),
    alarms: Iterable[Any] = (),
    jobs: Iterable[Any] = (),
    change_plans: Iterable[Any] = (),
) -> int:
    """Link objects (each of the incident's customer); returns how many were new. The first
    device or location with a place anchors the incident there (location scopes read it)."""
    groups: dict[str, tuple[ManyRelatedManager[Any, Any], list[CustomerOwned]]] = {
        "device": (incident.devices, list(devices)),
        "location": (incident.locations, list(locations)),
        "alarm": (incident.alarms, list(alarms)),
        "job": (incident.jobs, list(jobs)),
        "changeplan": (incident.change_plans, list(change_plans)),
    }
    added = 0
    for kind, (manager, objects) in groups.items():
        have = set(manager.values_list("pk", flat=True))
        for obj in objects:
            if obj.customer_id != incident.customer_id:
                raise ValidationError({kind: f"{kind} {obj.pk} is not this customer's."})
            if obj.pk in have:
                continue
            manager.add(obj)
            have.add(obj.pk)
            added += 1
            append_event(
                incident,
                EventKind.LINKED,
                f"{kind}:{obj.pk}",
                actor=actor,
                at=at,
                data={"name": str(obj)[:200]},
            )
            _anchor(incident, kind, obj)
    return added


def _anchor(incident: Incident, kind: str, obj: Any) -> None:
    if incident.site_id is not None:
        return
    if kind == "device" and obj.site_id is not None:
        incident.site_id, incident.location_id = obj.site_id, obj.location_id
    elif kind == "location":
        incident.site_id, incident.location_id = obj.site_id, obj.pk
    else:
        return
    incident.save(update_fields=["site", "location"])


@transaction.atomic
def link_objects(actor: Any, incident: Incident, **objects: Iterable[Any]) -> int:
    """Link devices, locations, alarms, jobs and change_plans (keyword lists) to the incident."""
    _require(actor, "change", incident.customer_id)
    unknown = set(objects) - {"devices", "locations", "alarms", "jobs", "change_plans"}
    if unknown:
        raise ValidationError({"link": f"Cannot link {', '.join(sorted(unknown))}."})
    incident = _locked(incident)
    return _link(incident, actor, timezone.now(), **objects)
