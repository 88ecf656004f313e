"""subscribers.reconcile: desired vs actual for the services on each access device.

Desired is each service's last executed provisioning plan. `prepare` (database thread) compares
the RADIUS rows and counts live sessions; the handler (no ORM) reads the device's running
configuration and looks for each service's lines. The report names differing RADIUS attributes,
never their values (a check row holds the password).
"""

from collections import defaultdict
from typing import Any

from webnet.aaa import provisioning as aaa
from webnet.jobs.registry import DeviceContext, DeviceOutcome, DeviceTarget, Kind, register
from webnet.subscribers import radius
from webnet.subscribers.models import ProvisioningPlan, ServiceInstance


def _radius_report(service: ServiceInstance, part: dict[str, Any] | None) -> dict[str, Any]:
    if part is None:
        return {"in_sync": True, "missing": [], "extra": []}
    want = radius.desired(service, part)
    have = aaa.actual_rows(service.customer, part["login"])
    missing = sorted({a for a, _, _ in (want.check - have.check) | (want.reply - have.reply)})
    extra = sorted({a for a, _, _ in (have.check - want.check) | (have.reply - want.reply)})
    groups_ok = want.groups == have.groups
    return {"in_sync": not missing and not extra and groups_ok, "missing": missing, "extra": extra}


def prepare(job: Any, targets: list[DeviceTarget], scrubber: Any) -> dict[str, Any]:
    device_ids = [target.id for target in targets if target.id is not None]
    services = (
        ServiceInstance.objects.for_customer(job.customer_id)
        .filter(device_id__in=device_ids)
        .select_related("subscriber", "customer")
    )
    latest: dict[int, ProvisioningPlan] = {}
    plans = ProvisioningPlan.objects.for_customer(job.customer_id).filter(
        service__device_id__in=device_ids, executed_at__isnull=False
    )
    for pplan in plans.order_by("executed_at", "id"):
        latest[pplan.service_id] = pplan
    inputs: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for service in services:
        pplan = latest.get(service.pk)
        if pplan is None:
            continue
        device_part = pplan.body.get("device") or {}
        inputs[str(service.device_id)].append(
            {
                "service": service.pk,
                "account_number": service.subscriber.account_number,
                "status": service.status,
                "plan": pplan.pk,
                "lines": device_part.get("lines", []),
                "radius": _radius_report(service, pplan.body.get("radius")),
                "live_sessions": len(radius.live_sessions(service)),
            }
        )
    return {str(device_id): inputs.get(str(device_id), []) for device_id in device_ids}


async def reconcile(ctx: DeviceContext) -> DeviceOutcome:
    running = await ctx.session.get_running_config()
    present = {line.strip() for line in running.splitlines()}
    report = []
    for item in ctx.inputs or []:
        missing = [line for line in item.pop("lines") if line.strip() not in present]
        item["device"] = {"in_sync": not missing, "missing": missing}
        item["in_sync"] = not missing and item["radius"]["in_sync"]
        report.append(item)
    drifted = [item["account_number"] for item in report if not item["in_sync"]]
    ctx.log(
        f"{len(report)} services, {len(drifted)} out of sync"
        + (f": {', '.join(drifted)}" if drifted else "")
    )
    return DeviceOutcome(data={"services": report, "out_of_sync": len(drifted)})


register(
    Kind(
        name="subscribers.reconcile",
        label="Reconcile subscriber services",
        handler=reconcile,
        prepare=prepare,
        description=(
            "Compare each service's provisioning plan with the device's running configuration, "
            "its RADIUS rows and its live sessions."
        ),
    )
)
