"""Incident models: one submodule per concern (incidents and SLA, on-call and escalation, rooms).

Each submodule's models are re-exported here so Django finds them in ``webnet.incidents.models``.
"""

from webnet.incidents.models.escalation import (
    EscalationChain,
    EscalationRun,
    EscalationRunStep,
    EscalationStep,
    RunState,
    RunStepStatus,
    TargetKind,
)
from webnet.incidents.models.incident import (
    ACTIVE_STATUSES,
    PAUSE_STATUSES,
    EventKind,
    ImmutableEventError,
    Incident,
    IncidentEvent,
    IncidentRule,
    Priority,
    Status,
    Team,
    via_incident,
)
from webnet.incidents.models.oncall import OnCallSchedule, Override, Rotation, RotationMember
from webnet.incidents.models.rooms import *  # noqa: F403
from webnet.incidents.models.rooms import __all__ as _rooms
from webnet.incidents.models.sla import BusinessCalendar, SlaClockState, SlaPolicy

__all__ = [
    "ACTIVE_STATUSES",
    "PAUSE_STATUSES",
    "BusinessCalendar",
    "EscalationChain",
    "EscalationRun",
    "EscalationRunStep",
    "EscalationStep",
    "EventKind",
    "ImmutableEventError",
    "Incident",
    "IncidentEvent",
    "IncidentRule",
    "OnCallSchedule",
    "Override",
    "Priority",
    "Rotation",
    "RotationMember",
    "RunState",
    "RunStepStatus",
    "SlaClockState",
    "SlaPolicy",
    "Status",
    "TargetKind",
    "Team",
    "via_incident",
    *_rooms,
]
