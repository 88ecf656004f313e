"""The session reaper: closes what stopped reporting, with a cause; never deletes accounting."""

from datetime import timedelta

import pytest
from django.utils import timezone

from webnet.aaa import sessions
from webnet.aaa.models import RadAcct
from webnet.jobs import periodic
from webnet.tests import factories

pytestmark = pytest.mark.django_db


def _session(customer, minutes_silent: float, interval: int | None):  # type: ignore[no-untyped-def]
    seen = timezone.now() - timedelta(minutes=minutes_silent)
    return factories.RadAcctFactory(
        customer=customer, acctstarttime=seen, acctupdatetime=seen, acctinterval=interval
    )


def test_reaper_closes_only_sessions_silent_for_three_intervals(world, settings):
    # given: 60 s interims; the default (no interim seen yet) is 300 s
    settings.WEBNET_RADIUS_INTERIM_SECONDS = 300
    stale = _session(world.a, 3.5, 60)
    fresh = _session(world.a, 2.5, 60)
    young = _session(world.b, 10, None)  # 10 min < 3 × 300 s
    lost = _session(world.b, 16, None)
    stopped = _session(world.a, 30, 60)
    RadAcct.objects.filter(pk=stopped.pk).update(acctstoptime=timezone.now())
    # when: the engine's periodic tick runs the registered reaper
    result = periodic.run_all(timezone.now())
    # then
    assert result["aaa.reap_stale_sessions"] == 2
    closed = {s.pk: s for s in RadAcct.objects.filter(acctterminatecause=sessions.STALE_CAUSE)}
    assert set(closed) == {stale.pk, lost.pk}
    assert closed[stale.pk].acctstoptime == stale.acctupdatetime  # its last report
    assert set(sessions.online().values_list("pk", flat=True)) == {fresh.pk, young.pk}
    assert RadAcct.objects.count() == 5
    # and: ticking again changes nothing
    assert sessions.reap_stale(timezone.now()) == 0
