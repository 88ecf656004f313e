"""A job handler's view of a device names its site (plain text, as before sites were rows)."""

from webnet.jobs.connection import device_target
from webnet.tests import factories as f
from webnet.tests.conftest import World


def test_the_target_carries_the_site_name_or_an_empty_string(world: World) -> None:
    placed = f.DeviceFactory(customer=world.a, site="AMS1", role="edge")
    assert device_target(placed).fields["site"] == "AMS1"
    assert device_target(f.DeviceFactory(customer=world.a)).fields["site"] == ""
    assert device_target(placed).fields["role"] == "edge"
