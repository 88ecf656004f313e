"""Online sessions are radacct rows without a stop time; FreeRADIUS opens and closes them.

A session closes on its Accounting-Stop, on an Accounting-On/Off from its NAS (both written by
FreeRADIUS's accounting queries), or here: the reaper closes a session that has not reported for
3× its interim interval, with a terminate cause and the stop time of its last report. Accounting
rows are never deleted.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Min
from django.db.models.functions import Coalesce

from webnet.aaa.models import RadAcct

STALE_CAUSE = "Stale-Session"
MISSED_INTERIMS = 3


def online():  # type: ignore[no-untyped-def]
    """Every open session (callers narrow it through the gate)."""
    return RadAcct.objects.filter(acctstoptime__isnull=True)


def reap_stale(now: datetime) -> int:
    """Close the sessions silent for 3× their interim interval; returns how many. Idempotent."""
    default = settings.WEBNET_RADIUS_INTERIM_SECONDS
    sessions = online().annotate(last_seen=Coalesce("acctupdatetime", "acctstarttime"))
    shortest = sessions.filter(acctinterval__gt=0).aggregate(m=Min("acctinterval"))["m"]
    floor = MISSED_INTERIMS * min(default, shortest or default)
    candidates = sessions.filter(last_seen__lt=now - timedelta(seconds=floor))
    stale = [
        (session.pk, session.last_seen)
        for session in candidates.only("pk", "acctinterval", "acctupdatetime", "acctstarttime")
        if session.last_seen
        < now - timedelta(seconds=MISSED_INTERIMS * (session.acctinterval or default))
    ]
    for pk, last_seen in stale:
        RadAcct.objects.filter(pk=pk, acctstoptime__isnull=True).update(
            acctstoptime=last_seen, acctterminatecause=STALE_CAUSE
        )
    return len(stale)
