"""How webnet reaches a device: one builder of ConnectParams for jobs, the terminal and scans.

Runs in a database thread. Credentials are decrypted here and only here; every secret is handed
to the caller's Scrubber so it can never reach a log line.
"""

from django.conf import settings

from webnet.core.scrub import Scrubber
from webnet.devices.models import Device, SSHHostKey
from webnet.drivers import ConnectParams, HostKeyPolicy, Timeouts
from webnet.jobs.registry import DeviceTarget

TARGET_FIELDS = ("vendor", "model", "serial_number", "os_version", "role")


def timeouts() -> Timeouts:
    return Timeouts(
        connect=settings.WEBNET_SSH_CONNECT_TIMEOUT,
        auth=settings.WEBNET_SSH_AUTH_TIMEOUT,
        command=settings.WEBNET_SSH_COMMAND_TIMEOUT,
    )


def device_target(device: Device) -> DeviceTarget:
    """The plain facts a handler may use about a device (no ORM object crosses into handlers)."""
    return DeviceTarget(
        id=device.pk,
        customer_id=device.customer_id,
        hostname=device.hostname,
        platform=device.platform,
        host=device.management_host,
        port=device.port,
        fields={
            **{name: getattr(device, name) for name in TARGET_FIELDS},
            "site": device.site.name if device.site else "",
        },
    )


def known_host_keys(customer_id: int, device_ids: list[int]) -> dict[int, list[str]]:
    """The pinned host keys of each device (OpenSSH lines), one query."""
    keys: dict[int, list[str]] = {}
    for device_id, public_key in (
        SSHHostKey.objects.for_customer(customer_id)
        .filter(device_id__in=device_ids)
        .values_list("device_id", "public_key")
    ):
        keys.setdefault(device_id, []).append(public_key)
    return keys


def connect_params(
    device: Device, known: list[str], policy: str, scrubber: Scrubber | None = None
) -> ConnectParams:
    """Login material for `device` (which must have a credential), its pinned keys and policy."""
    credential = device.credential
    if credential is None:
        raise ValueError("the device has no credential")
    password = credential.reveal("password")
    enable_secret = credential.reveal("enable_secret")
    private_key = credential.reveal("ssh_private_key")
    if scrubber is not None:
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
