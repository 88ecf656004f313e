"""The terminal in headless Chromium: type into xterm.js and see the lab router answer.

pytest-django's live server speaks no WebSocket, so this runs the real thing: `manage.py serve`
(Daphne with the embedded job engine) on a file-based SQLite in a temporary state directory,
with `manage.py lab start` importing a two-router lab into the demo customer. The same
server then draws the lab's topology after a discovery job.
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
def served(tmp_path: Path) -> Iterator[tuple[str, int]]:
    """(base URL, R1's id) of a real server with a two-router lab."""
    env = {
        **os.environ,
        "WEBNET_STATE_DIR": str(tmp_path / "state"),
        "WEBNET_ADMIN_PASSWORD": ADMIN_PASSWORD,
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "webnet.settings",
    }
    for name in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"):
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
        server = subprocess.Popen(
            [sys.executable, "manage.py", "serve", "--port", str(port)],
            cwd=BACKEND,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait_for_port(port, server)
        yield f"http://127.0.0.1:{port}", device_id
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=20)
        _manage(env, "lab", "stop", check=False)


def test_type_into_the_terminal_and_see_the_prompt(served, browser) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    base, device_id = served
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
        if drawn != "2 0":
            break
        time.sleep(0.5)
    assert drawn.split()[0] == "2" and int(drawn.split()[1]) >= 1, drawn
