"""Loading what a job needs before it touches the network (database thread only).

Each device's login material goes into its ConnectParams (jobs/connection.py decrypts it), and
every secret is handed to the job's Scrubber.
"""

from dataclasses import dataclass, field
from typing import Any

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
    inputs: Any = None  # what the kind's prepare() gave this target


@dataclass
class JobPlan:
    job: Job
    kind: registry.Kind
    devices: list[DevicePlan]
    missing_ids: list[int] = field(default_factory=list)  # deleted since the job was created
    scrubber: Scrubber = field(default_factory=Scrubber)


def _address_target(customer_id: int, key: str) -> DeviceTarget:
    host, _, port = key.rpartition(":")
    host = host.strip("[]")
    return DeviceTarget(
        id=None, customer_id=customer_id, hostname=key, platform="", host=host, port=int(port)
    )


def load(job_id: int, device_ids: list[int] | None = None) -> JobPlan | None:
    """The job's plan, or None when it must not run (finished, or cancelled while queued)."""
    job = Job.objects.select_related("customer").get(pk=job_id)
    if job.is_finished:
        return None
    kind = registry.get(job.kind)
    plan = JobPlan(job=job, kind=kind, devices=[])
    devices: dict[int, Device] = {}
    if kind.resolve_addresses is not None:
        targets = [_address_target(job.customer_id, key) for key in job.addresses]
    else:
        wanted = device_ids if device_ids is not None else job.device_ids
        devices = {
            device.pk: device
            for device in Device.objects.for_customer(job.customer_id)
            .filter(pk__in=wanted)
            .select_related("credential", "site")
        }
        targets = [device_target(device) for device in devices.values()]
        plan.missing_ids = [pk for pk in wanted if pk not in devices]
    inputs = kind.prepare(job, targets, plan.scrubber) if kind.prepare is not None else {}
    keys = known_host_keys(job.customer_id, list(devices))
    for target in targets:
        device_inputs = inputs.get(target.key)
        device = devices.get(target.id) if target.id is not None else None
        if device is None or not kind.session_needed(device_inputs):
            plan.devices.append(DevicePlan(target, None, inputs=device_inputs))
        elif device.credential is None:
            problem = ("no_credential", "the device has no credential")
            plan.devices.append(DevicePlan(target, None, problem, device_inputs))
        else:
            params = connect_params(
                device, keys.get(device.pk, []), job.customer.host_key_policy, plan.scrubber
            )
            plan.devices.append(DevicePlan(target, params, inputs=device_inputs))
    if isinstance(job.params.get("order"), list):  # e.g. canary devices first
        rank = {pk: index for index, pk in enumerate(job.params["order"])}
        plan.devices.sort(key=lambda device_plan: rank.get(device_plan.target.id, len(rank)))
    return plan
