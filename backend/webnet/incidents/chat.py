"""What a member says in a room: a message, or in an incident room a slash command.

Commands call the same incident services as the UI and the API (the services check the actor's
role); their effect is said in the room as a system message, in the same transaction as the
change. A member whose role does not allow a command gets a field error, not a refusal: they
are still a member. Membership itself is checked first (refused like any other send).
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from webnet.incidents import rooms, services
from webnet.incidents.models import Incident, Message, Room, Status

USAGE = "Commands: /ack, /assign <user>, /status <status>, /resolve [note]."


def say(
    actor: Any,
    room: Room,
    body: Any,
    *,
    broadcast: bool = True,
    admission: rooms.Admission | None = None,
) -> Message:
    """Post `body`, or run it when it is a slash command in an incident room. `broadcast` and
    `admission` are post_message's (a socket sends its own plain messages out); what a command
    says is always announced by the room."""
    if isinstance(body, str) and body.strip().startswith("/"):
        return run_command(actor, room, body.strip())
    return rooms.post_message(actor, room, body, broadcast=broadcast, admission=admission)


def _user(username: str) -> Any:
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise ValidationError({"body": f"No user {username!r} here."})
    return user


@transaction.atomic
def run_command(actor: Any, room: Room, text: str) -> Message:
    room = rooms.require_member(actor, room)
    if room.incident_id is None:
        raise ValidationError({"body": "Slash commands work in incident rooms. " + USAGE})
    incident = Incident.objects.restrict(actor, "view").filter(pk=room.incident_id).first()
    if incident is None:
        raise PermissionDenied("You are not a member of this room.")
    name, _, rest = text[1:].partition(" ")
    rest = rest.strip()
    who = actor.get_username()
    try:
        if name == "ack":
            services.acknowledge_incident(actor, incident, note=rest)
            said = f"{who} acknowledged {incident}."
        elif name == "assign" and rest:
            assignee = _user(rest.removeprefix("@"))
            services.assign_incident(actor, incident, assignee=assignee)
            said = f"{who} assigned {incident} to {assignee.get_username()}."
        elif name == "status" and rest:
            status = rest.split()[0]
            services.set_status(actor, incident, status=status, note=rest[len(status) :].strip())
            said = f"{who} set {incident} to {Status(status).label.lower()}."
        elif name == "resolve":
            services.resolve_incident(actor, incident, note=rest)
            said = f"{who} resolved {incident}." + (f" {rest}" if rest else "")
        else:
            raise ValidationError({"body": f"Unknown command /{name}. {USAGE}"})
    except PermissionDenied as exc:
        raise ValidationError({"body": str(exc)}) from exc
    except ValidationError as exc:
        if not hasattr(exc, "error_dict") or "body" in exc.message_dict:
            raise
        raise ValidationError(
            {"body": [m for ms in exc.message_dict.values() for m in ms]}
        ) from exc
    return rooms.post_system(room, said, actor=actor)
