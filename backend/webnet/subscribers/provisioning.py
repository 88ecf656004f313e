"""Service transitions: build the immutable provisioning plan, then execute it.

`transition()` checks the actor, builds the plan with the pure builder, and in one transaction
stores it, moves the service, writes the login's RADIUS rows, announces the change to billing
(outbox webhook) and starts the device change as a config_mgmt ChangePlan preview; after the
commit, live sessions get their CoA or Disconnect. When the new plan hashes the same as the last
one executed, nothing happens (a re-run, e.g. billing retrying a suspend). `advance()` confirms
and commits the device change once its preview finished: the transition is the confirmation.
`reprovision` with a new `login` renames the service's RADIUS user: the old login's rows go and
the new ones are written in the same transaction, then the old login's sessions are disconnected.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from webnet.config_mgmt import deploy
from webnet.config_mgmt.models import ConfigTemplate
from webnet.config_mgmt.plans import PlanDeviceStatus, PlanSource, PlanStatus
from webnet.config_mgmt.render import render_text
from webnet.config_mgmt.sandbox import TemplateRenderError
from webnet.config_mgmt.templates import device_context
from webnet.core import access, audit, changes
from webnet.jobs.models import FINISHED
from webnet.notifications import outbox
from webnet.subscribers import plan_builder, radius
from webnet.subscribers.models import ProvisioningPlan, ServiceInstance, ServicePlan

LOGIN_MAX: int = ServiceInstance._meta.get_field("login").max_length or 128
# Announced when the service's status changes; reprovision keeps the status (its news is the
# rewritten RADIUS rows, a new login or password), so it is announced whenever it executes.
WEBHOOK_TOPICS = {
    "activate": "service.activated",
    "suspend": "service.suspended",
    "restore": "service.restored",
    "terminate": "service.terminated",
    "reprovision": "service.reprovisioned",
}


def plan_facts(plan: ServicePlan) -> plan_builder.PlanFacts:
    return plan_builder.PlanFacts(
        name=plan.name,
        down_kbps=plan.down_kbps,
        up_kbps=plan.up_kbps,
        burst_kbps=plan.burst_kbps,
        vlan=plan.vlan,
        ip_pool=plan.ip_pool,
        session_timeout=plan.session_timeout,
        suspend_strategy=plan.suspend_strategy,
        throttle_kbps=plan.throttle_kbps,
        walled_garden=plan.walled_garden,
    )


def service_facts(
    service: ServiceInstance, plan: ServicePlan | None = None, previous_login: str = ""
) -> Any:
    changed = service.password_changed_at
    return plan_builder.ServiceFacts(
        service_id=service.pk,
        account_number=service.subscriber.account_number,
        device_id=service.device_id,
        plan=plan_facts(plan or service.plan),
        status=service.status,
        login=service.login,
        previous_login=previous_login,
        password_rev=changed.isoformat() if changed else "",
        port=service.port,
        onu_id=service.onu_id,
        vlan=service.vlan,
        static_address=service.static_address,
        ip_pool=service.ip_pool,
    )


def _templates(plan: ServicePlan, platform: str) -> list[ConfigTemplate]:
    return [t for t in plan.templates.all() if not t.platforms or platform in t.platforms]


def build_plan(
    service: ServiceInstance,
    transition: str,
    plan: ServicePlan | None = None,
    previous_login: str = "",
) -> tuple[dict[str, Any], str]:
    """The body and hash `transition` would produce now (field errors for impossible ones)."""
    chosen = plan or service.plan
    device = service.device
    base = device_context(device)
    base.pop("variables", None)
    try:
        return plan_builder.build(
            service_facts(service, chosen, previous_login),
            transition,
            templates=[t.body for t in _templates(chosen, device.platform)],
            render=lambda body, context: render_text(body, {**base, **context}),
        )
    except plan_builder.TransitionError as exc:
        raise ValidationError({"transition": str(exc)}) from exc
    except TemplateRenderError as exc:
        raise ValidationError({"plan": f"device template: {exc}"}) from exc


def last_executed(service: ServiceInstance) -> ProvisioningPlan | None:
    return (
        ProvisioningPlan.objects.for_customer(service.customer_id)
        .filter(service=service, executed_at__isnull=False)
        .order_by("-executed_at", "-id")
        .first()
    )


def _announce(service: ServiceInstance, transition: str, pplan: ProvisioningPlan) -> None:
    topic = WEBHOOK_TOPICS.get(transition)
    reprovision = transition == "reprovision"
    if topic is None or (pplan.status_before == pplan.status_after and not reprovision):
        return
    subscriber = service.subscriber
    logins = {"login": service.login, "replaced_login": pplan.body.get("replaces_login", "")}
    outbox.enqueue(
        customer=service.customer,
        topic=topic,
        key=f"service-{service.pk}",
        state="firing",
        severity="info",
        title=f"{topic}: {subscriber.account_number} {service.plan.name}",
        payload={
            "service": service.pk,
            "service_external_id": service.external_id,
            "account_number": subscriber.account_number,
            "subscriber_external_id": subscriber.external_id,
            "plan": service.plan.name,
            "status": service.status,
            "provisioning_plan": pplan.pk,
            "content_hash": pplan.content_hash,
            **(logins if reprovision else {}),
        },
        device_id=service.device_id,
        location_id=subscriber.location_id,
    )


def transition(
    actor: Any,
    service: ServiceInstance,
    name: str,
    *,
    plan: ServicePlan | None = None,
    login: str | None = None,
    edits: dict[str, Any] | None = None,
) -> tuple[ProvisioningPlan, bool]:
    """Run transition `name`; (its plan, True) or (the last executed plan, False) on a re-run.

    The rows, the service (with `edits`, e.g. a new password, saved and audited under the same
    lock: a refused plan keeps none of them) and the webhook commit together; the CoA/Disconnect
    goes out after the commit (the NAS must find the new rows) and its answers are stored on the
    plan."""
    pplan, created = _transition(actor, service, name, plan, login, edits or {})
    if created and pplan.body.get("session"):
        sessions = radius.send(pplan.service, pplan.body["session"])
        pplan.outcome = {**pplan.outcome, "sessions": sessions}
        pplan.save(update_fields=["outcome"])
    return pplan, created


def check_login(service: ServiceInstance, login: str) -> None:
    """Field errors for a login the service cannot be renamed to."""
    if not login.strip() or len(login) > LOGIN_MAX:
        raise ValidationError({"login": f"Give a login of 1-{LOGIN_MAX} characters."})
    taken = ServiceInstance.objects.for_customer(service.customer_id).filter(login=login)
    if taken.exclude(pk=service.pk).exists():
        raise ValidationError({"login": "Another service already uses this login."})


@transaction.atomic
def _transition(
    actor: Any,
    service: ServiceInstance,
    name: str,
    plan: ServicePlan | None,
    login: str | None,
    edits: dict[str, Any],
) -> tuple[ProvisioningPlan, bool]:
    access.require(actor, "serviceinstance", "provision", service.customer_id, "provisioning")
    if plan is not None and plan.customer_id != service.customer_id:
        raise ValidationError({"plan": "Choose one of this customer's own."})
    if (name == "change_plan") != (plan is not None):
        raise ValidationError({"plan": "A plan is given with change_plan, and only then."})
    service = (
        ServiceInstance.objects.select_for_update(of=("self",))
        .select_related("subscriber", "plan", "device", "customer")
        .get(pk=service.pk)
    )
    if edits:
        service = changes.update(actor, service, edits)
    if login is not None:
        if name != "reprovision":
            raise ValidationError({"login": "A new login comes with reprovision, and only then."})
        check_login(service, login)
    previous = service.login
    service.login = previous if login is None else login
    body, digest = build_plan(service, name, plan, previous)
    last = last_executed(service)
    if last is not None and last.content_hash == digest:
        return last, False
    pplan = ProvisioningPlan.objects.create(
        customer=service.customer,
        service=service,
        transition=name,
        status_before=service.status,
        status_after=body["status"],
        body=body,
        content_hash=digest,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    before = {"status": service.status, "plan": service.plan.name}
    service.status, service.plan = body["status"], plan or service.plan
    service.save(update_fields=["status", "plan", "login", "updated_at"])
    renamed = {"login": [previous, service.login]} if previous != service.login else {}
    audit.record(
        name,
        actor=actor,
        customer_id=service.customer_id,
        obj=service,
        changes={
            "status": [before["status"], service.status],
            "plan": [before["plan"], service.plan.name],
            **renamed,
            "content_hash": [None, digest],
        },
    )
    _announce(service, name, pplan)
    _execute(actor, service, pplan)
    return pplan, True


def _execute(actor: Any, service: ServiceInstance, pplan: ProvisioningPlan) -> None:
    """Write what the plan says: RADIUS rows now, the device change to the deploy engine."""
    device_part = pplan.body.get("device")
    radius.remove_login(service, pplan.body.get("replaces_login", ""))
    outcome: dict[str, Any] = {"radius": radius.write_rows(service, pplan.body.get("radius"))}
    if device_part:
        change = deploy.preview_change(
            actor,
            service.customer,
            {"devices": [device_part["device"]]},
            source=PlanSource.TEMPLATE,
            intents={device_part["device"]: {"lines": device_part["lines"]}},
            name=f"Service {service.subscriber.account_number}: {pplan.transition}",
        )
        pplan.change_plan = change
        outcome["device"] = "previewing"
    pplan.executed_at, pplan.outcome = timezone.now(), outcome
    pplan.save(update_fields=["executed_at", "change_plan", "outcome"])


@transaction.atomic
def advance(actor: Any, pplan: ProvisioningPlan) -> ProvisioningPlan:
    """Confirm and commit the plan's device change once previewed (nothing to change: done)."""
    change = pplan.change_plan
    if change is None:
        raise ValidationError({"change_plan": "this provisioning plan changes no device"})
    change.refresh_from_db()
    if change.status in (PlanStatus.PREVIEWING, PlanStatus.PREVIEWED):
        if change.preview_job is None or change.preview_job.status not in FINISHED:
            raise ValidationError({"change_plan": "the device change is still being previewed"})
        rows = deploy.plan_rows(change)
        if not any(row.status == PlanDeviceStatus.READY for row in rows):
            failed = [row.message for row in rows if row.status == PlanDeviceStatus.PREVIEW_FAILED]
            result = f"preview failed: {'; '.join(failed)}" if failed else "no change needed"
            return _record_device(pplan, result)
        change = deploy.confirm_plan(actor, change, deploy.current_hash(change))
        deploy.commit_plan(actor, change)
        return _record_device(pplan, "committing")
    return pplan


def _record_device(pplan: ProvisioningPlan, result: str) -> ProvisioningPlan:
    pplan.outcome = {**pplan.outcome, "device": result}
    pplan.save(update_fields=["outcome"])
    return pplan
