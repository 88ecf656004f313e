"""UI fixtures: logged-in Django test clients per role of the shared `world`, and sample objects."""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client

from webnet.devices.models import Credential, Device, DeviceGroup, Tag
from webnet.tests import factories
from webnet.tests.conftest import CANARY, World


@pytest.fixture
def ui(world: World) -> Callable[[str], Client]:
    """ui(role) → a Client with a session for that role of `world` (anonymous: not logged in)."""

    def make(role: str) -> Client:
        client = Client()
        user = world.user(role)
        if user is not None:
            client.force_login(user)
        return client

    return make


@dataclass
class Inventory:
    credential: Credential
    tag: Tag
    device: Device
    group: DeviceGroup
    other_device: Device  # customer B's


@pytest.fixture
def inventory(world: World) -> Inventory:
    credential = factories.CredentialFactory(customer=world.a, name="core-cred", password=CANARY)
    tag = factories.TagFactory(customer=world.a, name="core")
    device = factories.DeviceFactory(
        customer=world.a,
        hostname="alpha-core-1",
        credential=credential,
        tags=[tag],
        site="ams1",
        role="core",
    )
    group = factories.DeviceGroupFactory(customer=world.a, name="core-routers", devices=[device])
    factories.SSHHostKeyFactory(device=device)
    other = factories.DeviceFactory(customer=world.b, hostname="bravo-secret-edge")
    return Inventory(credential=credential, tag=tag, device=device, group=group, other_device=other)
