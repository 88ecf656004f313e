"""What a billing system (Splynx, UISP CRM, Sonar) may ask: suspend, restore, change plan.

It names services as it knows them: the service's external id, or the subscriber's account
number (or external id) when that subscriber has exactly one live service; a plan by name or
external id. Retries are safe: a transition that already happened is a no-op (same plan hash).
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q

from webnet.subscribers import provisioning
from webnet.subscribers.models import ProvisioningPlan, ServiceInstance, ServicePlan
from webnet.subscribers.models.services import ServiceStatus

ACTIONS = ("suspend", "restore", "change_plan", "activate", "terminate")


def find_service(user: Any, customer_id: int, data: dict[str, Any]) -> ServiceInstance:
    services = ServiceInstance.objects.restrict(user, "view").for_customer(customer_id)
    if data.get("service_external_id"):
        found = list(services.filter(external_id=data["service_external_id"])[:2])
        field = "service_external_id"
    elif data.get("account_number") or data.get("subscriber_external_id"):
        who = Q(subscriber__account_number=data.get("account_number") or None) | Q(
            subscriber__external_id=data.get("subscriber_external_id") or None
        )
        live = services.filter(who).exclude(status=ServiceStatus.TERMINATED)
        found = list(live[:2])
        field = "account_number" if data.get("account_number") else "subscriber_external_id"
    else:
        raise ValidationError(
            {"service_external_id": "Name the service, or the subscriber's account number."}
        )
    if not found:
        raise ValidationError({field: "No such service."})
    if len(found) > 1:
        raise ValidationError({field: "Several services match: name the service_external_id."})
    return found[0]


def find_plan(user: Any, customer_id: int, name: str) -> ServicePlan:
    plans = ServicePlan.objects.restrict(user, "view").for_customer(customer_id)
    plan = plans.filter(Q(name=name) | Q(external_id=name)).first() if name else None
    if plan is None:
        raise ValidationError({"plan": "No such plan (give its name or external id)."})
    return plan


def billing_request(
    user: Any, customer_id: int, data: dict[str, Any]
) -> tuple[ProvisioningPlan, bool]:
    """Run the billing system's request; (provisioning plan, whether anything changed)."""
    action = data.get("action")
    if action not in ACTIONS:
        raise ValidationError({"action": f"Choose one of {', '.join(ACTIONS)}."})
    service = find_service(user, customer_id, data)
    plan = find_plan(user, customer_id, data.get("plan", "")) if action == "change_plan" else None
    return provisioning.transition(user, service, action, plan=plan)
