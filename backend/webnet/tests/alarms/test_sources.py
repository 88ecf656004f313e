"""Which device a datagram came from: its own SNMP agent address first, else its management host;
an address two devices share names neither."""

import pytest

from webnet.alarms.receivers.sources import SourceIndex
from webnet.monitoring.models import DeviceMonitoring
from webnet.tests import factories as f

pytestmark = pytest.mark.django_db


def test_devices_behind_one_management_address_are_told_apart_by_their_agent_address() -> None:
    # given two lab devices on one management host, each with its own SNMP agent address
    r1 = f.DeviceFactory(management_host="127.0.0.1")
    r2 = f.DeviceFactory(customer=r1.customer, management_host="127.0.0.1")
    for device, address in ((r1, "127.20.0.2"), (r2, "127.20.0.3")):
        DeviceMonitoring.objects.create(customer=r1.customer, device=device, snmp_address=address)
    lone = f.DeviceFactory(customer=r1.customer, management_host="127.0.0.9")
    index = SourceIndex()
    index.refresh_if_stale()
    # then traps from each agent address name their device, the shared host names none
    assert index.lookup("127.20.0.2") == (r1.customer_id, r1.pk)
    assert index.lookup("::ffff:127.20.0.3") == (r1.customer_id, r2.pk)
    assert index.lookup("127.0.0.1") == "ambiguous_source"
    assert index.lookup("127.0.0.9") == (lone.customer_id, lone.pk)
    assert index.lookup("127.0.0.10") == "unknown_source"
