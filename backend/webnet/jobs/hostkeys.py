"""Pinning a device's SSH host key: on first use by a job, or from a scan's discovery."""

from collections.abc import Iterable

from webnet.devices.models import SSHHostKey
from webnet.drivers import HostKey
from webnet.jobs.registry import DeviceTarget


def pin_host_keys(customer_id: int, keys: Iterable[tuple[int, HostKey]]) -> None:
    """Store each (device id, key) unless a key of that type is already pinned for the device:
    one INSERT for a whole batch (a job learns the keys of all its new devices at once)."""
    SSHHostKey.objects.bulk_create(
        [
            SSHHostKey(
                customer_id=customer_id,
                device_id=device_id,
                key_type=key.algorithm,
                public_key=key.openssh,
                fingerprint_sha256=key.fingerprint,
            )
            for device_id, key in keys
        ],
        ignore_conflicts=True,  # the (device, key type) constraint keeps the first pinned key
    )


def pin_host_key(customer_id: int, device_id: int, key: HostKey) -> None:
    pin_host_keys(customer_id, [(device_id, key)])


def remember_host_key(target: DeviceTarget, key: HostKey) -> None:
    """Trust on first use: the key a terminal session just saw (an address target has no
    device to pin it to)."""
    if target.id is not None:
        pin_host_key(target.customer_id, target.id, key)
