"""Loading what a job needs before it touches the network (database thread only).

Each device's login material goes into its ConnectParams (jobs/connection.py decrypts it), and
every secret is handed to the job's Scrubber.
"""

from dataclasses import dataclass, field

from webnet.core.scrub import Scrubber
from webnet.devices.models import Device
from webnet.drivers import ConnectParams
from webnet.jobs import registry
from webnet.jobs.connection import connect_params, device_target, known_host_keys
from webnet.jobs.models import Job
from webnet.jobs.registry import DeviceTarget


@dataclass
class DevicePlan:
    target: DeviceTarget
    connect: ConnectParams | None
    problem: tuple[str, str] | None = None  # (error code, message) when it cannot be tried


@dataclass
class JobPlan:
    job: Job
    kind: registry.Kind
    devices: list[DevicePlan]
    missing_ids: list[int] = field(default_factory=list)  # deleted since the job was created
    scrubber: Scrubber = field(default_factory=Scrubber)


def load(job_id: int, device_ids: list[int] | None = None) -> JobPlan | None:
    """The job's plan, or None when it must not run (finished, or cancelled while queued)."""
    job = Job.objects.select_related("customer").get(pk=job_id)
    if job.is_finished:
        return None
    kind = registry.get(job.kind)
    wanted = device_ids if device_ids is not None else job.device_ids
    devices = (
        Device.objects.for_customer(job.customer_id)
        .filter(pk__in=wanted)
        .select_related("credential")
    )
    keys = known_host_keys(job.customer_id, wanted)
    plan = JobPlan(job=job, kind=kind, devices=[])
    for device in devices:
        target = device_target(device)
        if not kind.needs_session:
            plan.devices.append(DevicePlan(target, None))
        elif device.credential is None:
            plan.devices.append(
                DevicePlan(target, None, ("no_credential", "the device has no credential"))
            )
        else:
            params = connect_params(
                device, keys.get(device.pk, []), job.customer.host_key_policy, plan.scrubber
            )
            plan.devices.append(DevicePlan(target, params))
    if isinstance(job.params.get("order"), list):  # e.g. canary devices first
        rank = {pk: index for index, pk in enumerate(job.params["order"])}
        plan.devices.sort(key=lambda device_plan: rank.get(device_plan.target.id, len(rank)))
    found = {device_plan.target.id for device_plan in plan.devices}
    plan.missing_ids = [pk for pk in wanted if pk not in found]
    return plan
