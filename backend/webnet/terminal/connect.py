"""What the relay needs to reach a device: connection parameters, decrypted here and only here.

Runs in a database thread. The decrypted password and enable secret go into `ConnectParams`
(whose repr masks them) and never into anything sent to the browser.
"""

from dataclasses import dataclass

from webnet.devices.models import Device, SSHHostKey
from webnet.drivers import ConnectParams, HostKeyPolicy
from webnet.jobs.plan import timeouts
from webnet.jobs.registry import DeviceTarget


@dataclass(repr=False)
class Destination:
    target: DeviceTarget
    params: ConnectParams


def destination(session_device_id: int) -> Destination:
    device = (
        Device.objects.select_related("credential", "customer").filter(pk=session_device_id).get()
    )
    credential = device.credential
    if credential is None:
        raise ValueError("the device has no credential")
    known = list(
        SSHHostKey.objects.for_customer(device.customer_id)
        .filter(device_id=device.pk)
        .values_list("public_key", flat=True)
    )
    params = ConnectParams(
        host=device.management_host,
        port=device.port,
        platform=device.platform,
        username=credential.username,
        password=credential.reveal("password") or None,
        enable_secret=credential.reveal("enable_secret") or None,
        private_key=credential.reveal("ssh_private_key") or None,
        legacy_algorithms=device.legacy_ssh,
        timeouts=timeouts(),
        host_key_policy=HostKeyPolicy(device.customer.host_key_policy),
        known_host_keys=known,
    )
    target = DeviceTarget(
        id=device.pk,
        customer_id=device.customer_id,
        hostname=device.hostname,
        platform=device.platform,
        host=device.management_host,
        port=device.port,
    )
    return Destination(target, params)
