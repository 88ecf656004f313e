"""Monitoring on pages: state badges in the device list, the device panel, the dashboard."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from webnet.tests import factories as f


def test_the_device_list_shows_each_devices_state_in_fixed_queries(world, ui) -> None:
    client = ui("viewer")
    down = f.DeviceStateFactory(device=f.DeviceFactory(customer=world.a), state="down")
    with CaptureQueriesContext(connection) as small:
        page = client.get("/devices/").content.decode()
    assert 'data-state="down"' in page and down.device.hostname in page
    for _ in range(6):
        f.DeviceStateFactory(device=f.DeviceFactory(customer=world.a))
    f.DeviceFactory(customer=world.a)  # never polled: unknown
    with CaptureQueriesContext(connection) as large:
        page = client.get("/devices/").content.decode()
    assert 'data-state="unknown"' in page and 'data-state="up"' in page
    assert len(large) == len(small)


def test_the_device_page_has_state_graphs_and_interfaces(world, ui) -> None:
    device = f.DeviceFactory(customer=world.a)
    f.DeviceStateFactory(device=device, state="degraded", reason="ICMP loss 25%")
    f.InterfaceFactory(device=device, if_index=7, name="Gi0/7", in_bps=1234.0)
    page = ui("viewer").get(f"/devices/{device.pk}/").content.decode()
    assert 'data-state="degraded"' in page and "ICMP loss 25%" in page
    assert 'data-island="MetricGraphs"' in page
    assert 'data-if-index="7"' in page and "1234 bit/s" in page


def test_the_dashboard_lists_worst_devices_and_top_talkers_of_its_customer(world, ui) -> None:
    mine = f.DeviceFactory(customer=world.a, hostname="alpha-down")
    f.DeviceStateFactory(device=mine, state="down")
    f.InterfaceFactory(device=mine, name="Te0/1", in_bps=9e9, updated_at=mine.created_at)
    theirs = f.DeviceFactory(customer=world.b, hostname="bravo-down")
    f.DeviceStateFactory(device=theirs, state="down")
    f.InterfaceFactory(device=theirs, name="Te9/9", in_bps=8e9, updated_at=theirs.created_at)
    page = ui("viewer").get("/").content.decode()
    worst = page[page.index('id="worst-devices"') : page.index('id="top-talkers"')]
    talkers = page[page.index('id="top-talkers"') :]
    assert "alpha-down" in worst and "bravo-down" not in page
    assert "Te0/1" in talkers and "Te9/9" not in page
