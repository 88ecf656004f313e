"""Pinning a device's SSH host key: on first use by a job, or from a scan's discovery."""

from webnet.devices.models import SSHHostKey
from webnet.drivers import HostKey
from webnet.jobs.registry import DeviceTarget


def pin_host_key(customer_id: int, device_id: int, key: HostKey) -> SSHHostKey:
    """Store `key` for the device unless a key of that type is already pinned."""
    pinned, _ = SSHHostKey.objects.get_or_create(
        customer_id=customer_id,
        device_id=device_id,
        key_type=key.algorithm,
        defaults={"public_key": key.openssh, "fingerprint_sha256": key.fingerprint},
    )
    return pinned


def remember_host_key(target: DeviceTarget, key: HostKey) -> None:
    """Trust on first use: the key a job's session just saw."""
    pin_host_key(target.customer_id, target.id, key)
