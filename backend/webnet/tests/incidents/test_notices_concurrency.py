"""Two workers syncing one incident's notice at once (the on_commit hook and the tick, or two
ticks), in real threads on their own connections: one notice, each word once, no deadlock."""

from webnet.incidents import notices, services
from webnet.maintenance.models import Announcement, AnnouncementUpdate
from webnet.tests import factories as f
from webnet.tests.incidents.test_escalation_concurrency import (  # noqa: F401  (PostgreSQL only)
    _threads,
    pytestmark,
)


def test_concurrent_syncs_write_one_notice_and_each_word_once(world) -> None:
    site = f.SiteFactory(customer=world.a, name="FRA1")
    rooms = [f.LocationFactory(site=site) for _ in range(5)]
    incidents = [
        services.open_incident(None, customer=world.a, title="down", priority="p1", locations=[r])
        for r in rooms
    ]
    for incident in incidents:
        services.acknowledge_incident(None, incident)
        services.resolve_incident(None, incident)
    Announcement.objects.all().delete()  # the hooks ran; now the workers race from nothing
    work = [lambda i=i: notices.sync_incident(i.pk) for i in incidents for _ in range(4)]
    results = _threads(*work)
    assert not [r for r in results if isinstance(r, BaseException)]
    assert Announcement.objects.count() == 5
    for incident in incidents:
        words = AnnouncementUpdate.objects.filter(announcement__source=f"incident:{incident.pk}")
        assert words.count() == 2
