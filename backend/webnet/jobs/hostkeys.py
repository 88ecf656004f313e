"""Trust on first use: storing a device's host key the first time it is seen."""

from webnet.devices.models import SSHHostKey
from webnet.drivers import HostKey
from webnet.jobs.registry import DeviceTarget


def remember_host_key(target: DeviceTarget, key: HostKey) -> None:
    SSHHostKey.objects.get_or_create(
        customer_id=target.customer_id,
        device_id=target.id,
        key_type=key.algorithm,
        defaults={"public_key": key.openssh, "fingerprint_sha256": key.fingerprint},
    )
