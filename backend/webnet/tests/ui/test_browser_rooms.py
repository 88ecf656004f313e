"""Browser: two members chat live in a room while a third, removed mid-session, is refused at
the next send.

pytest-django's live server speaks no WebSocket; Daphne is started in a thread of the test
process instead, on the same ASGI application and test database (Twisted's reactor runs once
per process, so this is the one test that does it).
"""

import socket
import threading
import time
from collections.abc import Iterator

import pytest

from webnet.customers.models import Role
from webnet.incidents import rooms
from webnet.tests import factories
from webnet.tests.ui.browsing import log_in
from webnet.tests.ui.test_browser import browser  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser


@pytest.fixture
def daphne_url(transactional_db: None) -> Iterator[str]:
    from daphne.server import Server
    from twisted.internet import reactor

    from webnet.asgi import application

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = Server(
        application, endpoints=[f"tcp:port={port}:interface=127.0.0.1"], signal_handlers=False
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while socket.socket().connect_ex(("127.0.0.1", port)) != 0:
        assert time.monotonic() < deadline, "Daphne did not start"
        time.sleep(0.1)
    yield f"http://127.0.0.1:{port}"
    reactor.callFromThread(reactor.stop)  # type: ignore[attr-defined]
    thread.join(timeout=10)


def test_two_users_chat_live_and_a_removed_member_is_refused(
    daphne_url: str,
    browser: object,  # noqa: F811
) -> None:
    operator = factories.MembershipFactory(role=Role.OPERATOR, user__username="room-op").user
    customer = operator.memberships.get().customer
    viewer = factories.MembershipFactory(customer=customer, user__username="room-viewer").user
    third = factories.MembershipFactory(customer=customer, user__username="room-third").user
    rooms.create_room(
        operator, customer, kind="team", name="core-outage", member_ids=[viewer.pk, third.pk]
    )
    pages = {
        name: log_in(browser, daphne_url, name) for name in ("room-op", "room-viewer", "room-third")
    }
    for page in pages.values():
        page.goto(f"{daphne_url}/rooms/")
        page.click("text=core-outage")
        page.wait_for_selector("#chat-input")
    op, viewer_page, third_page = pages["room-op"], pages["room-viewer"], pages["room-third"]
    time.sleep(0.5)  # the sockets open after the page loads

    op.fill("#chat-input", "core-1 is down, who has it?")
    op.press("#chat-input", "Enter")
    viewer_page.wait_for_selector("#chat-messages >> text=core-1 is down, who has it?")
    viewer_page.fill("#chat-input", "on it")
    viewer_page.press("#chat-input", "Enter")
    op.wait_for_selector("#chat-messages >> text=on it")

    # The operator removes the third member on the page (the test thread stays off the
    # database while Daphne's thread uses it: SQLite's shared in-memory test database locks).
    op.click("[data-testid=room-members] li:has-text('room-third') >> text=Remove")
    op.wait_for_selector("[data-testid=room-members]:not(:has-text('room-third'))")
    third_page.fill("#chat-input", "can I still talk?")
    third_page.press("#chat-input", "Enter")
    third_page.wait_for_selector("[data-testid=chat-status] >> text=no longer a member")
    op.reload()
    op.wait_for_selector("#chat-messages >> text=on it")
    assert op.locator("#chat-messages >> text=can I still talk?").count() == 0
