"""Debian's FreeRADIUS on webnet's (test) database, configured as `manage.py radius` does."""

import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from webnet.aaa import radiusconf
from webnet.aaa.nas import radius_clients, radius_database
from webnet.lab.bng import BngOptions
from webnet.tests import factories
from webnet.tests.aaa.bng import ThreadedBng

BNG_ADDRESS = "127.0.0.9"


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Radius:
    auth_port: int
    acct_port: int
    directory: Path

    def radclient(self, kind: str, attributes: str, secret: str) -> subprocess.CompletedProcess:
        """radclient (freeradius-utils) as an independent client: one try, one second."""
        port = self.auth_port if kind == "auth" else self.acct_port
        return subprocess.run(
            ["radclient", "-x", "-r", "1", "-t", "1", f"127.0.0.1:{port}", kind, secret],
            input=attributes,
            capture_output=True,
            text=True,
            timeout=10,
        )


def start_freeradius(directory: Path, **render: object) -> subprocess.Popen:
    """Render into `directory`, start `freeradius -f` and wait until it is ready."""
    radiusconf.render(directory, **render)  # type: ignore[arg-type]
    log = directory / "log" / "radius.log"
    log.unlink(missing_ok=True)
    process = subprocess.Popen(
        ["freeradius", "-f", "-d", str(directory)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"freeradius exited: {process.stderr.read().decode()[-2000:]}")  # type: ignore[union-attr]
        if log.exists() and "Ready to process requests" in log.read_text():
            return process
        time.sleep(0.05)
    process.kill()
    raise AssertionError("freeradius did not become ready")


@pytest.fixture
def freeradius(transactional_db: None, tmp_path: Path) -> Iterator[Callable[[], Radius]]:
    """start() → FreeRADIUS with the NAS registry as it is now, on free loopback ports."""
    processes: list[subprocess.Popen] = []

    def start() -> Radius:
        radius = Radius(free_udp_port(), free_udp_port(), tmp_path / "radius")
        processes.append(
            start_freeradius(
                radius.directory,
                clients=radius_clients(),
                auth_port=radius.auth_port,
                acct_port=radius.acct_port,
                database=radius_database(),
            )
        )
        return radius

    yield start
    for process in processes:
        process.terminate()
        process.wait(timeout=10)


def start_bng(radius: Radius, address: str, coa_port: int) -> ThreadedBng:
    """The lab BNG at `address` (secret: the canary), on `radius`'s ports."""
    options = BngOptions(
        address=address,
        secret=factories.CANARY,
        auth_port=radius.auth_port,
        acct_port=radius.acct_port,
        coa_port=coa_port,
    )
    return ThreadedBng(options)


@pytest.fixture
def bng(world, freeradius, settings) -> Iterator[ThreadedBng]:  # type: ignore[no-untyped-def]
    """A NAS of customer A (secret: the canary) and the lab BNG on it, on a running FreeRADIUS."""
    settings.WEBNET_RADIUS_COA_TIMEOUT = 0.5
    coa_port = free_udp_port()
    factories.NasFactory(
        customer=world.a, nasname=BNG_ADDRESS, secret=factories.CANARY, coa_port=coa_port
    )
    threaded = start_bng(freeradius(), BNG_ADDRESS, coa_port)
    yield threaded
    threaded.close()
