"""Settings for the processes of the scaled-out suite: webnet's own, plus the probe kind.

The tick runs every WEBNET_SCHEDULER_INTERVAL seconds (short in the suite, so the reaper acts
within a short lease), and Redis gives an unacknowledged message back after a few seconds, so a
chunk the killed worker had only prefetched is delivered again while the test watches.
"""

from webnet.settings import *  # noqa: F403
from webnet.settings import INSTALLED_APPS, WEBNET_SCHEDULER_INTERVAL

INSTALLED_APPS = [*INSTALLED_APPS, "webnet.tests.scaled.probe"]
CELERY_BEAT_SCHEDULE = {
    "webnet-tick": {"task": "webnet.jobs.tick", "schedule": WEBNET_SCHEDULER_INTERVAL}
}
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 5}
