"""A lab of simulated devices registered as inventory, for running real jobs over SSH."""

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import pytest
from asgiref.sync import sync_to_async

from webnet.customers.models import Customer
from webnet.devices.models import Credential, Device
from webnet.drivers import ConnectParams, open_session
from webnet.lab import Fleet, LabServer
from webnet.tests import factories as f
from webnet.users.models import User


@dataclass
class LabWorld:
    customer: Customer
    operator: User
    credential: Credential
    devices: dict[str, Device]
    lab: LabServer

    def session(self, hostname: str) -> Any:
        """A driver session straight to a lab device, as an engineer typing by hand would."""
        device = next(d for d in self.lab.devices if d.hostname == hostname)
        return open_session(
            ConnectParams(
                host=device.host,
                port=device.port,
                platform=device.platform,
                username=device.username,
                password=device.password,
                enable_secret=device.enable_secret,
                host_key_policy="disabled",
            )
        )

    async def running(self, hostname: str) -> str:
        async with self.session(hostname) as session:
            return await session.get_running_config()

    async def by_hand(self, hostname: str, lines: list[str]) -> None:
        async with self.session(hostname) as session:
            await session.send_config(lines)


def _register(lab: LabServer, password: str) -> LabWorld:
    customer = f.CustomerFactory()
    operator = f.MembershipFactory(customer=customer, role="operator").user
    credential = f.CredentialFactory(
        customer=customer, username="admin", password=password, enable_secret="enable"
    )
    devices = {
        d.hostname: f.DeviceFactory(
            customer=customer,
            hostname=d.hostname,
            management_host=d.host,
            port=d.port,
            platform=d.platform,
            credential=credential,
        )
        for d in lab.devices
    }
    return LabWorld(customer, operator, credential, devices, lab)


@pytest.fixture
async def start_lab(transactional_db: None) -> AsyncIterator[Callable[..., Any]]:
    """start_lab(platforms=..., faults=[...], password=...) → LabWorld; stopped at teardown."""
    labs: list[LabServer] = []

    async def start(
        platforms: Any = None,
        count: int = 6,
        faults: Any = None,
        password: str = "admin",
        **options: Any,
    ) -> LabWorld:
        fleet = Fleet.generate(count=count, platforms=platforms, seed=7, faults=faults or [])
        lab = LabServer(fleet, password=password, **options)
        await lab.start()
        labs.append(lab)
        return await sync_to_async(_register)(lab, password)

    yield start
    for lab in labs:
        await lab.stop()
