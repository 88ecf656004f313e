"""Loading what a job needs before it touches the network (database thread only).

This is the only place credentials are decrypted: each device's login material goes into its
ConnectParams, and every secret is handed to the job's Scrubber.
"""

from dataclasses import dataclass, field

from django.conf import settings

from webnet.core.scrub import Scrubber
from webnet.devices.models import Device, SSHHostKey
from webnet.drivers import ConnectParams, HostKeyPolicy, Timeouts
from webnet.jobs import registry
from webnet.jobs.models import Job
from webnet.jobs.registry import DeviceTarget

TARGET_FIELDS = ("vendor", "model", "serial_number", "os_version", "role", "site")


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


def timeouts() -> Timeouts:
    return Timeouts(
        connect=settings.WEBNET_SSH_CONNECT_TIMEOUT,
        auth=settings.WEBNET_SSH_AUTH_TIMEOUT,
        command=settings.WEBNET_SSH_COMMAND_TIMEOUT,
    )


def _connect_params(
    device: Device, known: list[str], policy: str, scrubber: Scrubber
) -> ConnectParams:
    credential = device.credential
    assert credential is not None
    password = credential.reveal("password")
    enable_secret = credential.reveal("enable_secret")
    private_key = credential.reveal("ssh_private_key")
    scrubber.add([password, enable_secret, private_key])
    return ConnectParams(
        host=device.management_host,
        port=device.port,
        platform=device.platform,
        username=credential.username,
        password=password or None,
        enable_secret=enable_secret or None,
        private_key=private_key or None,
        legacy_algorithms=device.legacy_ssh,
        timeouts=timeouts(),
        host_key_policy=HostKeyPolicy(policy),
        known_host_keys=known,
    )


def _target(device: Device) -> DeviceTarget:
    return DeviceTarget(
        id=device.pk,
        customer_id=device.customer_id,
        hostname=device.hostname,
        platform=device.platform,
        host=device.management_host,
        port=device.port,
        fields={name: getattr(device, name) for name in TARGET_FIELDS},
    )


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
    keys: dict[int, list[str]] = {}
    for device_id, public_key in (
        SSHHostKey.objects.for_customer(job.customer_id)
        .filter(device_id__in=wanted)
        .values_list("device_id", "public_key")
    ):
        keys.setdefault(device_id, []).append(public_key)
    plan = JobPlan(job=job, kind=kind, devices=[])
    for device in devices:
        target = _target(device)
        if not kind.needs_session:
            plan.devices.append(DevicePlan(target, None))
        elif device.credential is None:
            plan.devices.append(
                DevicePlan(target, None, ("no_credential", "the device has no credential"))
            )
        else:
            params = _connect_params(
                device, keys.get(device.pk, []), job.customer.host_key_policy, plan.scrubber
            )
            plan.devices.append(DevicePlan(target, params))
    if isinstance(job.params.get("order"), list):  # e.g. canary devices first
        rank = {pk: index for index, pk in enumerate(job.params["order"])}
        plan.devices.sort(key=lambda device_plan: rank.get(device_plan.target.id, len(rank)))
    found = {device_plan.target.id for device_plan in plan.devices}
    plan.missing_ids = [pk for pk in wanted if pk not in found]
    return plan
