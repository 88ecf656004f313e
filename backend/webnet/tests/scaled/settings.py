"""Settings for the processes of the scaled-out suite: webnet's own, plus the probe kind.

Beat ticks every WEBNET_SCHEDULER_INTERVAL seconds (short in the suite, so the reaper acts
within a short lease), and Redis gives an unacknowledged message back after a few seconds, so a
chunk the killed worker had only prefetched is delivered again while the test watches.
"""

from webnet.settings import *  # noqa: F403
from webnet.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "webnet.tests.scaled.probe"]
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 5}
