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

# Endpoints whose writes are a workflow of their own (jobs, plans, tokens, invitations) or that
# belong to each user rather than to a role: their rules are tested where named.
WITHOUT_CONTRACT = {
    "jobs": "made by JobService; tests/api/test_jobs.py",
    "change-plans": "made by the deploy services; tests/api/test_deploy*",
    "invitations": "answered by the invited user, not edited; tests/api/test_customers.py",
    "webhook-tokens": "created and revoked, never edited; tests/api/test_alarms.py",
    "inbox": "each user's own; tests/api/test_notifications.py",
    "rooms": "gated by room membership as well as the role, messages changed by their author "
    "(or deleted by an admin); tests/api/test_rooms.py",
    "notification-preferences": "each user's own; tests/api/test_notifications.py",
    "incidents": "opened and worked through services, never edited; tests/api/test_incidents.py",
    "scheduled-changes": "made from a confirmed plan, cancelled, never edited; "
    "tests/api/test_maintenance.py",
    "calendar-tokens": "created and revoked, never edited; tests/api/test_maintenance.py",
    "radius-sessions": "made by FreeRADIUS's accounting; read, CoA, disconnect; test_aaa.py",
    "coa-attempts": "made by CoA and Disconnect; read only; tests/api/test_aaa.py",
    "radius-check": "made by aaa.provisioning; read only (admins); tests/api/test_aaa.py",
    "radius-reply": "made by aaa.provisioning; read only (admins)",
    "radius-user-groups": "made by aaa.provisioning; read only (admins)",
    "radius-post-auth": "made by FreeRADIUS's post-auth; read only (admins)",
    "provisioning-plans": "made by service transitions; read only; tests/api/test_subscribers.py",
}


def _contracted_endpoints() -> set[str]:
    for module in pkgutil.iter_modules(api_tests.__path__):
        if module.name.startswith("test_"):
            importlib.import_module(f"{api_tests.__name__}.{module.name}")
    found, todo = set(), list(ResourceContract.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if "endpoint" in vars(cls):
            found.add(cls.endpoint)
    return found


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
