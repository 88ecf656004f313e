"""The Celery application (scaled-out mode only: set CELERY_BROKER_URL or REDIS_URL)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webnet.settings")

app = Celery("webnet")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["webnet.jobs", "webnet.monitoring", "webnet.notifications"])
