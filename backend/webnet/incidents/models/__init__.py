"""Incident models: one submodule per concern (incidents and SLA, on-call and escalation, rooms).

Each submodule's models are re-exported here so Django finds them in ``webnet.incidents.models``.
"""

from webnet.incidents.models.rooms import *  # noqa: F403
