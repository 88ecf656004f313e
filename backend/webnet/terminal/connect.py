"""What the relay needs to reach a device: connection parameters, decrypted here and only here.

Runs in a database thread. The decrypted password and enable secret go into `ConnectParams`
(built by jobs/connection.py; its repr masks them) and never into anything sent to the browser.
"""

from dataclasses import dataclass

from webnet.devices.models import Device
from webnet.drivers import ConnectParams
from webnet.jobs.connection import connect_params, device_target, known_host_keys
from webnet.jobs.registry import DeviceTarget


@dataclass(repr=False)
class Destination:
    target: DeviceTarget
    params: ConnectParams


def destination(session_device_id: int) -> Destination:
    device = (
        Device.objects.select_related("credential", "customer").filter(pk=session_device_id).get()
    )
    known = known_host_keys(device.customer_id, [device.pk]).get(device.pk, [])
    params = connect_params(device, known, device.customer.host_key_policy)
    return Destination(device_target(device), params)
