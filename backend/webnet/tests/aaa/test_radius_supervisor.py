"""`manage.py radius --background`: the supervised FreeRADIUS learns a NAS added, re-keyed or
removed in webnet without a manual restart; radclient (freeradius-utils) is the NAS."""

import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import call_command

from webnet.aaa import provisioning
from webnet.aaa.management.commands.radius import running_pid
from webnet.tests.aaa.conftest import Radius, free_udp_port
from webnet.tests.database import database_url

REQUEST = 'User-Name = "zoe", User-Password = "zoe-pw", Message-Authenticator = 0x00\n'


@pytest.fixture
def supervised(transactional_db, tmp_path, settings, monkeypatch) -> Iterator[Radius]:  # type: ignore[no-untyped-def]
    """The supervisor started as `make dev-services` does, on this test's database and ports."""
    radius = Radius(free_udp_port(), free_udp_port(), tmp_path / "radius")
    environment = {
        "WEBNET_STATE_DIR": str(tmp_path),
        "DATABASE_URL": database_url(),
        "WEBNET_RADIUS_AUTH_PORT": str(radius.auth_port),
        "WEBNET_RADIUS_ACCT_PORT": str(radius.acct_port),
        "ENCRYPTION_KEY": ",".join(settings.ENCRYPTION_KEYS),  # the secrets this test writes
    }
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    settings.STATE_DIR = tmp_path
    call_command("radius", "--background", "--poll", "0.2")
    try:
        yield radius
    finally:
        call_command("radius", "--stop")


def _freeradius_pid(directory: Path) -> int:
    """The freeradius the supervisor runs on `directory` (from /proc: it writes no PID file)."""
    wanted = ["freeradius", "-f", "-d", str(directory)]
    for entry in Path("/proc").iterdir():
        try:
            argv = (entry / "cmdline").read_bytes().decode().split("\0")[:-1]
        except (OSError, ValueError):
            continue
        if argv == wanted:
            return int(entry.name)
    raise AssertionError(f"no freeradius on {directory}")


def _answer(radius: Radius, secret: str, want: str, seconds: float = 8.0) -> str:
    """radclient until it sees `want` (or time runs out); the last answer's summary."""
    deadline = time.monotonic() + seconds
    while True:
        result = radius.radclient("auth", REQUEST, secret)
        seen = "Access-Accept" if "Access-Accept" in result.stdout else "no reply"
        if seen == want or time.monotonic() > deadline:
            return seen


def test_a_nas_added_changed_and_removed_in_webnet_reaches_freeradius(world, api, supervised):
    # given: zoe exists in A, but 127.0.0.1 is nobody's NAS yet: FreeRADIUS ignores it
    check = [("Cleartext-Password", ":=", "zoe-pw")]
    provisioning.apply_user(world.a, "zoe", check=check, reply=[], groups=[])
    supervisor_pid = running_pid()
    assert supervisor_pid is not None
    assert supervised.radclient("auth", REQUEST, "first-secret").returncode != 0
    admin = api("admin")
    # when: an admin registers the NAS; then: accepted, with no restart by hand
    nas = admin.post(
        "/api/v1/nas/",
        {"customer": world.a.pk, "name": "radclient", "nasname": "127.0.0.1", "secret": "first-1"},
        format="json",
    )
    assert nas.status_code == 201, nas.json()
    started = time.monotonic()
    assert _answer(supervised, "first-1", "Access-Accept") == "Access-Accept"
    assert time.monotonic() - started < 5
    # when: the secret changes; then: the old one is no longer answered, the new one is
    url = f"/api/v1/nas/{nas.json()['id']}/"
    assert admin.patch(url, {"secret": "second-2"}, format="json").status_code == 200
    assert _answer(supervised, "second-2", "Access-Accept") == "Access-Accept"
    assert _answer(supervised, "first-1", "no reply", seconds=1) == "no reply"
    # when: FreeRADIUS itself dies; then: the supervisor starts it again
    os.kill(_freeradius_pid(supervised.directory), signal.SIGKILL)
    assert _answer(supervised, "second-2", "Access-Accept") == "Access-Accept"
    # when: the NAS is removed; then: FreeRADIUS forgets it
    assert admin.delete(url).status_code == 204
    assert _answer(supervised, "second-2", "no reply") == "no reply"
    # then: one supervisor throughout, and `--stop` ends it with its FreeRADIUS
    assert running_pid() == supervisor_pid
    call_command("radius", "--stop")
    assert running_pid() is None
    assert supervised.radclient("auth", REQUEST, "second-2").returncode != 0
