"""Fixtures: one lab for the whole driver suite (see labkit for the fleet layout)."""

from __future__ import annotations

from collections.abc import Iterator

import asyncssh
import pytest

from webnet.lab import Fleet
from webnet.lab import server as lab_server

from .labkit import FAULTS, PLATFORMS, AuthLog, ThreadedLab, _record_auth


@pytest.fixture(scope="session")
def client_key() -> asyncssh.SSHKey:
    return asyncssh.generate_private_key("ssh-ed25519")


@pytest.fixture(scope="session")
def auth_log() -> Iterator[AuthLog]:
    log = AuthLog()
    saved = _record_auth(log)
    yield log
    for name, fn in saved.items():
        setattr(lab_server._DeviceSSHServer, name, fn)


@pytest.fixture(scope="session")
def lab(auth_log: AuthLog, client_key: asyncssh.SSHKey) -> Iterator[ThreadedLab]:
    fleet = Fleet.generate(count=18, platforms=",".join(PLATFORMS), seed=7, faults=FAULTS)
    threaded = ThreadedLab(
        fleet,
        authorized_keys=[client_key.export_public_key("openssh").decode()],
        minute_seconds=0.5,
    )
    yield threaded
    threaded.stop()
