"""The terminal in headless Chromium: type into xterm.js and see the lab router answer.

pytest-django's live server speaks no WebSocket, so this runs the real thing: `manage.py serve`
(Daphne with the embedded job engine) on a file-based SQLite in a temporary state directory,
with `manage.py lab start` importing a two-router lab into the demo customer. The same
server then draws the lab's topology after a discovery job, and streams the live log of a job
its embedded worker process (the server's child) runs: lines reach the open socket while the
job runs, though the worker's broadcasts never cross into the server's in-memory channel layer.
"""

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import webnet
from webnet.tests.ui.test_browser import browser

__all__ = ["browser"]

BACKEND = Path(webnet.__file__).resolve().parent.parent
ADMIN_PASSWORD = "a-long-browser-passphrase"
FIRST_ROUTER = (
    "from webnet.devices.models import Device; print(Device.objects.get(hostname='R1').pk)"
)
# A device whose port answers TCP but never says a word: a reachability probe waits 5 s for it.
SILENT_DEVICE = """
from webnet.customers.models import Customer
from webnet.devices.models import Device
print(Device.objects.create(customer=Customer.objects.get(slug="demo"), hostname="silent",
                            management_host="127.0.0.1", port={port}, platform="cisco_ios").pk)
"""
pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _manage(env: dict[str, str], *args: str, check: bool = True) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BACKEND,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if check and done.returncode != 0:
        raise AssertionError(f"manage.py {' '.join(args)} failed: {done.stderr[-2000:]}")
    return done.stdout


def _wait_for_port(port: int, process: subprocess.Popen, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server exited with {process.returncode}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise AssertionError("the server did not start listening")


@pytest.fixture
def silent_port() -> Iterator[int]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


def _worker_pid(state: Path, server: subprocess.Popen) -> int:
    """The embedded worker's PID from its PID file, checked to be the server's child."""
    pid_file = state / "jobworker.pid"
    deadline = time.monotonic() + 60
    while not pid_file.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    pid = int(pid_file.read_text())
    assert Path(f"/proc/{pid}/stat").read_text().split()[3] == str(server.pid)
    return pid


@pytest.fixture
def served(tmp_path: Path, silent_port: int) -> Iterator[tuple[str, int, int]]:
    """(base URL, R1's id, the silent device's id) of a real server with a two-router lab;
    afterwards, the server's job worker is gone with it."""
    env = {
        **os.environ,
        "WEBNET_STATE_DIR": str(tmp_path / "state"),
        "WEBNET_ADMIN_PASSWORD": ADMIN_PASSWORD,
        "LOG_LEVEL": "WARNING",
        "WEBNET_SSH_CONNECT_TIMEOUT": "3",  # discovery gives up on the silent device soon
        "DJANGO_SETTINGS_MODULE": "webnet.settings",
    }
    for name in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "WEBNET_EXECUTOR"):
        env.pop(name, None)
    port = _free_port()
    server: subprocess.Popen | None = None
    try:
        _manage(env, "migrate", "--no-input")
        _manage(env, "seed_demo")
        _manage(env, "lab", "start", "--count", "2", "--base-port", "0")  # ephemeral ports
        device_id = int(
            _manage(
                env,
                "shell",
                "-c",
                FIRST_ROUTER,
            )
            .strip()
            .splitlines()[-1]
        )
        silent_id = int(
            _manage(env, "shell", "-c", SILENT_DEVICE.format(port=silent_port)).split()[-1]
        )
        server = subprocess.Popen(
            [sys.executable, "manage.py", "serve", "--port", str(port)],
            cwd=BACKEND,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait_for_port(port, server)
        worker = _worker_pid(tmp_path / "state", server)
        yield f"http://127.0.0.1:{port}", device_id, silent_id
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=40)
        _manage(env, "lab", "stop", check=False)
    assert not (tmp_path / "state" / "jobworker.pid").exists()
    with pytest.raises(ProcessLookupError):
        os.kill(worker, 0)


def test_type_into_the_terminal_and_see_the_prompt(served, browser) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    base, device_id, silent_id = served
    page = browser.new_page()
    page.set_default_timeout(20_000)
    page.goto(f"{base}/login/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", ADMIN_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")

    page.goto(f"{base}/devices/{device_id}/")
    page.click("a.btn:text-is('Terminal')")
    page.wait_for_selector("[data-terminal-status=connected]")
    rows = page.locator(".xterm-rows")
    expect(rows).to_contain_text("R1>")  # the router's prompt, through the real socket
    page.click("[data-terminal]")
    page.keyboard.type("show clock")
    page.keyboard.press("Enter")
    expect(rows).to_contain_text(re.compile(r"R1>show clock.*UTC.*R1>", re.S))

    page.goto(f"{base}/topology/")
    page.click("button:has-text('Discover neighbours')")
    page.wait_for_url(re.compile(r"/jobs/\d+/"))
    drawn = ""
    for _ in range(40):
        page.goto(f"{base}/topology/")
        page.wait_for_selector("[data-topology] canvas")
        drawn = page.get_attribute("[data-topology]", "data-topology") or ""
        if not drawn.endswith(" 0"):
            break
        time.sleep(0.5)
    nodes, links = (int(count) for count in drawn.split())
    assert nodes == 3 and links >= 1, drawn  # the routers and the silent device

    # A job the worker runs for ~5 s: its log streams into the open page over the socket.
    page.goto(f"{base}/jobs/new/?kind=devices.check_reachability&device={silent_id}")
    page.click("button:has-text('Start job')")
    page.wait_for_url(re.compile(r"/jobs/\d+/"))
    page.wait_for_selector("[data-job-log] [data-connection=live]")
    expect(page.locator("[data-job-log]")).to_contain_text("device(s) on embedded@")
    page.wait_for_selector("[data-job-log] [data-log-status=failed]", timeout=30_000)
    expect(page.locator("[data-job-log]")).to_contain_text("no SSH banner")
    seqs = [
        int(seq)
        for seq in page.eval_on_selector_all(
            "[data-job-log] [data-seq]", "rows => rows.map(row => row.dataset.seq)"
        )
    ]
    assert seqs == list(range(1, len(seqs) + 1)) and len(seqs) >= 2
