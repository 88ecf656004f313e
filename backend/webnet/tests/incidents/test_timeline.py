"""The incident timeline: every source in time order, chat only for the room's people, and the
Markdown review through the API."""

from datetime import timedelta

import pytest
from django.utils import timezone

from webnet.alarms.models import Event
from webnet.incidents import chat, rooms, services, timeline
from webnet.tests import factories as f
from webnet.tests.conftest import client_for


@pytest.mark.django_db
def test_sources_merge_in_time_order_and_chat_is_for_members_only() -> None:
    customer = f.CustomerFactory()
    operator = f.MembershipFactory(customer=customer, role="operator").user
    bystander = f.MembershipFactory(customer=customer).user  # sees the incident, not its room
    start = timezone.now() - timedelta(minutes=10)
    incident = f.IncidentFactory(customer=customer, title="core-1 down", opened_at=start)
    alarm = f.AlarmFactory(customer=customer)
    incident.alarms.add(alarm)
    Event.objects.create(customer=customer, alarm=alarm, time=start + timedelta(minutes=1),
                         source="trap", condition="interface.down", severity="major")  # fmt: skip
    job = f.JobFactory(customer=customer, finished_at=start + timedelta(minutes=2))
    incident.jobs.add(job)
    incident.watchers.add(operator)
    chat.say(operator, rooms.incident_room(incident), "looking | at it")
    services.acknowledge_incident(operator, incident)
    entries = timeline.timeline(operator, incident)
    assert [e.source for e in entries] == ["incident", "alarm", "job", "job", "chat", "incident"]
    assert entries == sorted(entries, key=lambda e: e.at)
    assert "chat" not in {e.source for e in timeline.timeline(bystander, incident)}
    review = timeline.as_markdown(incident, entries)
    assert review.startswith(f"# {incident}\n")
    assert f"| chat | {operator.username} | looking \\| at it |" in review
    rooms.delete_message(operator, chat.say(operator, rooms.incident_room(incident), "oops"))
    assert timeline.timeline(operator, incident)[-1].text == "message deleted"


@pytest.mark.django_db
def test_timeline_api_json_markdown_and_other_customers() -> None:
    customer = f.CustomerFactory()
    viewer = f.MembershipFactory(customer=customer).user
    outsider = f.MembershipFactory(role="admin").user
    incident = f.IncidentFactory(customer=customer)
    url = f"/api/v1/incidents/{incident.pk}/timeline/"
    assert [e["source"] for e in client_for(viewer).get(url).json()] == ["incident"]
    review = client_for(viewer).get(url + "?file_format=md")
    assert review["Content-Type"].startswith("text/markdown")
    assert f"INC-{incident.number}-timeline.md" in review["Content-Disposition"]
    assert client_for(outsider).get(url).status_code == 404
