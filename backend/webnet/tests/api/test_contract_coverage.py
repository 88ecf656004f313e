"""Every tenant-owned resource of the API has a generated contract (tests/api/contract.py).

A new endpoint over a CustomerOwned model fails here until it gets a ResourceContract subclass
(or, for now, an entry below saying why not yet).
"""

import importlib
import pkgutil

import webnet.tests.api as api_tests
from webnet.api.urls import router
from webnet.core.models import CustomerOwned
from webnet.tests.api.contract import ResourceContract

# Endpoints whose cross-customer and role rules are covered by the role matrix and the fuzzers
# but that still lack a generated contract (read-only or job-made resources): close this list.
WITHOUT_CONTRACT = {
    "ssh-host-keys": "made by jobs (trust on first use); read and delete only",
    "jobs": "made by JobService; tests/api/test_jobs.py",
    "change-plans": "made by the deploy services; tests/api/test_deploy*",
    "config-snapshots": "made by backups; read only",
    "backup-states": "made by backups; read only",
    "compliance-runs": "made by compliance jobs; read only",
    "compliance-results": "made by compliance jobs; read only",
    "topology-links": "made by discovery jobs; read and clear only",
    "discovery-candidates": "made by scans and discovery; decided, not created",
    "terminal-sessions": "made by the terminal; read only",
    "invitations": "answered by the invited user, not edited; tests/api/test_customers.py",
    "device-states": "made by the poller; read only; tests/monitoring/test_api.py",
    "interfaces": "made by the poller; read only; tests/monitoring/test_api.py",
    "events": "made by record_events (receivers, polls, webhooks); read only",
    "alarms": "made by the alarm engine; acted on, not edited; tests/api/test_alarms.py",
    "webhook-tokens": "created and revoked, never edited; tests/api/test_alarms.py",
    "deliveries": "made by the outbox; read and retry; tests/api/test_notifications.py",
    "inbox": "each user's own; tests/api/test_notifications.py",
    "rooms": "gated by room membership as well as the role; tests/api/test_rooms.py",
    "notification-preferences": "each user's own; tests/api/test_notifications.py",
    "incidents": "opened and worked through services, never edited; tests/api/test_incidents.py",
}


def _contracted_endpoints() -> set[str]:
    for module in pkgutil.iter_modules(api_tests.__path__):
        if module.name.startswith("test_"):
            importlib.import_module(f"{api_tests.__name__}.{module.name}")
    return {cls.endpoint for cls in ResourceContract.__subclasses__()}


def test_every_tenant_owned_endpoint_has_a_contract() -> None:
    covered = _contracted_endpoints()
    missing = []
    for prefix, viewset, _ in router.registry:
        model = getattr(getattr(viewset, "queryset", None), "model", None)
        if model is None or not issubclass(model, CustomerOwned):
            continue
        if prefix not in covered and prefix not in WITHOUT_CONTRACT:
            missing.append(prefix)
    assert not missing, f"give these endpoints a ResourceContract: {missing}"
    assert not covered & set(WITHOUT_CONTRACT), "remove contracted endpoints from the list"
