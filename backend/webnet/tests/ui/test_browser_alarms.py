"""Browser, end to end through `manage.py serve`: a linkDown trap from net-snmp's snmptrap reaches
the embedded trap receiver, its alarm appears in the open console without a reload (over
/ws/updates/), and the operator acknowledges it in bulk.

pytest-django's live server speaks no WebSockets, so this runs the real Daphne server on a fresh
SQLite state directory of its own.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from webnet.alarms import conditions
from webnet.tests.ui.browsing import log_in
from webnet.tests.ui.test_browser import browser  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.slow]
BACKEND = Path(__file__).resolve().parents[3]
SETUP = """
from webnet.core import crypto
from webnet.customers.models import Customer, Membership
from webnet.devices.models import Device
from webnet.monitoring.models import SnmpCredential
from webnet.users.models import User
customer = Customer.objects.create(name="Live", slug="live")
user = User.objects.create_user("live-op", password={password!r})
Membership.objects.create(user=user, customer=customer, role="operator")
Device.objects.create(customer=customer, hostname="live-r1", management_host="127.0.0.1",
                      platform="cisco_ios")
# The receiver drops v2c traps of a customer that names no community (no_community).
SnmpCredential.objects.create(customer=customer, name="live-v2c",
                              community_encrypted=crypto.encrypt("public"))
"""


def _free_port(kind: int = socket.SOCK_STREAM) -> int:
    with socket.socket(socket.AF_INET, kind) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_bound(port: int, process: subprocess.Popen, tmp_path: Path) -> None:
    """The receivers run in the job worker `serve` starts: wait until it holds the trap port."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                return
        time.sleep(0.3)
    raise RuntimeError((tmp_path / "serve.log").read_text()[-2000:])


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, int]]:
    from webnet.tests.factories import DEFAULT_PASSWORD

    port, trap_port = _free_port(), _free_port(socket.SOCK_DGRAM)
    env = {
        **os.environ,
        "WEBNET_STATE_DIR": str(tmp_path),
        "WEBNET_TRAP_PORT": str(trap_port),
        "WEBNET_SYSLOG_PORT": "0",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--no-input"], cwd=BACKEND, env=env, check=True,
                   capture_output=True, timeout=300)  # fmt: skip
    setup = SETUP.format(password=DEFAULT_PASSWORD)
    subprocess.run([*manage, "shell", "-c", setup], cwd=BACKEND, env=env, check=True,
                   capture_output=True, timeout=120)  # fmt: skip
    log = (tmp_path / "serve.log").open("ab")
    process = subprocess.Popen(
        [*manage, "serve", "--port", str(port)], cwd=BACKEND, env=env, stdout=log, stderr=log
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{base}/health/", timeout=2).close()
            break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise RuntimeError((tmp_path / "serve.log").read_text()[-2000:]) from None
            time.sleep(0.3)
    _wait_until_bound(trap_port, process, tmp_path)
    try:
        yield base, trap_port
    finally:
        process.terminate()
        process.wait(20)


def test_a_trap_appears_live_and_is_acknowledged_in_bulk(server, browser) -> None:  # noqa: F811
    base, trap_port = server
    page = log_in(browser, base, "live-op")
    page.goto(f"{base}/alarms/")
    page.wait_for_selector("[data-live=on]")
    assert page.locator("[data-alarm]").count() == 0

    for if_index in (3, 4):
        subprocess.run(
            ["snmptrap", "-v", "2c", "-c", "public", f"127.0.0.1:{trap_port}", "",
             conditions.LINK_DOWN, f"{conditions.IF_INDEX}.{if_index}", "i", str(if_index)],
            check=True, timeout=20,
        )  # fmt: skip
    page.locator("[data-alarm]").nth(1).wait_for()  # no reload: the socket re-rendered the table
    assert "interface.down" in page.inner_text("#alarm-table")

    for checkbox in page.locator("#alarm-table input[type=checkbox]").all():
        checkbox.check()
    page.fill("#ack-comment", "fibre cut, on it")
    page.click("#bulk-ack")
    page.wait_for_url(f"{base}/alarms/?*")
    assert "Acknowledged 2 alarms." in page.inner_text("body"), page.inner_text("body")
    rows = page.locator("[data-alarm]")
    assert rows.count() == 2
    assert all(row.get_attribute("data-state") == "acknowledged" for row in rows.all())
    assert "fibre cut, on it" in page.inner_text("#alarm-table")

    # The receivers run in serve's job worker; the web server's /metrics counts their traps.
    scraped = urllib.request.urlopen(f"{base}/metrics", timeout=10).read().decode()
    received = {
        sample.labels.get("source"): sample.value
        for family in text_string_to_metric_families(scraped)
        if family.name == "webnet_events_received"
        for sample in family.samples
        if sample.name == "webnet_events_received_total"
    }
    assert received.get("trap", 0) >= 2, received
