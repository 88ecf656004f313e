"""Writing plans, subscribers and service instances (audited; related rows of one customer).

A service's login password arrives in plaintext and is stored only as a MultiFernet ciphertext;
the audit masks it. Status changes never happen here: they are transitions (provisioning.py).
A live service's new login or password reaches RADIUS by the `reprovision` transition.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from webnet.core import changes, crypto
from webnet.subscribers import provisioning
from webnet.subscribers.models import ServiceInstance, ServicePlan, Subscriber
from webnet.subscribers.models.services import ServiceStatus

PROVISIONED = (ServiceStatus.ACTIVE, ServiceStatus.SUSPENDED)


def _same_customer(data: dict[str, Any], customer_id: int, *names: str) -> None:
    errors = {
        name: "Choose one of this customer's own."
        for name in names
        if data.get(name) is not None and data[name].customer_id != customer_id
    }
    if errors:
        raise ValidationError(errors)


def _customer_id(obj: Any, data: dict[str, Any]) -> int:
    return obj.customer_id if obj is not None else data["customer"].pk


def create_plan(actor: Any, data: dict[str, Any]) -> ServicePlan:
    for template in data.get("templates", []):
        _same_customer({"templates": template}, data["customer"].pk, "templates")
    return changes.create(actor, ServicePlan, data)


def update_plan(actor: Any, plan: ServicePlan, data: dict[str, Any]) -> ServicePlan:
    for template in data.get("templates", []):
        _same_customer({"templates": template}, plan.customer_id, "templates")
    return changes.update(actor, plan, data)


def create_subscriber(actor: Any, data: dict[str, Any]) -> Subscriber:
    _same_customer(data, _customer_id(None, data), "location")
    return changes.create(actor, Subscriber, data)


def update_subscriber(actor: Any, subscriber: Subscriber, data: dict[str, Any]) -> Subscriber:
    _same_customer(data, subscriber.customer_id, "location")
    return changes.update(actor, subscriber, data)


def _with_password(data: dict[str, Any]) -> dict[str, Any]:
    """`password` (plaintext, if given) becomes the ciphertext; an empty one clears it."""
    data = dict(data)
    if "password" in data:
        password = data.pop("password")
        data["password_encrypted"] = crypto.encrypt(password) if password else ""
        data["password_changed_at"] = timezone.now()
    return data


def _clean_service(service: ServiceInstance | None, data: dict[str, Any]) -> dict[str, Any]:
    _same_customer(data, _customer_id(service, data), "subscriber", "plan", "device")
    if "status" in data:
        raise ValidationError({"status": "Change the status by a transition (activate, …)."})
    if service is not None and "plan" in data and data["plan"] != service.plan:
        raise ValidationError({"plan": "Change the plan by the change_plan transition."})
    return _with_password(data)


def create_service(actor: Any, data: dict[str, Any]) -> ServiceInstance:
    return changes.create(actor, ServiceInstance, _clean_service(None, data))


def update_service(actor: Any, service: ServiceInstance, data: dict[str, Any]) -> ServiceInstance:
    """A provisioned service's login and password change through `reprovision`, which rewrites
    its RADIUS rows (and, on a rename, disconnects the old login's sessions); the rest here."""
    data = _clean_service(service, data)
    login = data.pop("login", service.login)
    if service.status not in PROVISIONED or (
        login == service.login and "password_encrypted" not in data
    ):
        return changes.update(actor, service, {**data, "login": login})
    provisioning.transition(actor, service, "reprovision", login=login, edits=data)
    service.refresh_from_db()
    return service
