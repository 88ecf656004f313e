"""Incident rooms: who is in them (the incident's people), and slash commands through the
incident services, said in the room as system messages."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from webnet.incidents import chat, rooms
from webnet.incidents.models import Message, MessageKind
from webnet.tests import factories as f


def _incident_room():  # type: ignore[no-untyped-def]
    """given an incident of a team (an operator and a viewer), with a watcher, and its room."""
    customer = f.CustomerFactory()
    operator = f.MembershipFactory(customer=customer, role="operator").user
    viewer = f.MembershipFactory(customer=customer).user
    watcher = f.MembershipFactory(customer=customer).user
    team = f.TeamFactory(customer=customer, members=[operator, viewer])
    incident = f.IncidentFactory(customer=customer, team=team, title="core-1 down")
    incident.watchers.add(watcher)
    return rooms.incident_room(incident), incident, operator, viewer, watcher


@pytest.mark.django_db
def test_the_incidents_people_are_the_rooms_members() -> None:
    room, incident, operator, viewer, watcher = _incident_room()
    assert rooms.incident_room(incident) == room  # one room per incident
    colleague = f.MembershipFactory(customer=room.customer).user
    assert {u for u in (operator, viewer, watcher, colleague) if rooms.room_for(u, room.pk)} == {
        operator,
        viewer,
        watcher,
    }
    incident.team.members.remove(viewer)
    with pytest.raises(PermissionDenied):
        chat.say(viewer, room, "still on it")
    incident.assignee = colleague
    incident.save()
    assert rooms.room_for(colleague, room.pk) == room


@pytest.mark.django_db
def test_slash_commands_go_through_the_services_and_are_said_in_the_room() -> None:
    room, incident, operator, viewer, _ = _incident_room()
    with pytest.raises(ValidationError) as refused:  # a viewer may talk, not acknowledge
        chat.say(viewer, room, "/ack")
    assert "body" in refused.value.message_dict
    chat.say(operator, room, "/ack on it")
    chat.say(operator, room, f"/assign {viewer.username}")
    chat.say(operator, room, "/status waiting_vendor RMA opened")
    chat.say(operator, room, "/resolve line card swapped")
    incident.refresh_from_db()
    assert (incident.status, incident.assignee) == ("resolved", viewer)
    said = [
        m.body for m in Message.objects.filter(room=room, kind=MessageKind.SYSTEM).order_by("seq")
    ]
    assert said == [
        f"{operator.username} acknowledged {incident}.",
        f"{operator.username} assigned {incident} to {viewer.username}.",
        f"{operator.username} set {incident} to waiting on vendor.",
        f"{operator.username} resolved {incident}. line card swapped",
    ]
    assert [e.kind for e in incident.events.order_by("seq")][-4:] == [
        "status",
        "assigned",
        "status",
        "status",
    ]
    for text in ("/status nonsense", "/frobnicate", "/assign nobody-here"):
        with pytest.raises(ValidationError) as bad:
            chat.say(operator, room, text)
        assert "body" in bad.value.message_dict


@pytest.mark.django_db
def test_commands_only_work_in_incident_rooms() -> None:
    customer = f.CustomerFactory()
    operator = f.MembershipFactory(customer=customer, role="operator").user
    room = rooms.create_room(operator, customer, kind="team", name="noc")
    with pytest.raises(ValidationError):
        chat.say(operator, room, "/ack")
    assert chat.say(operator, room, "plain text").body == "plain text"
