"""Browser: two members chat live in a room while a third, removed mid-session, is refused at
the next send; a burst of messages is marked read once; one member edits and deletes (with a
confirmation) and the other sees it live; an image arrives with its thumbnail.

pytest-django's live server speaks no WebSocket; Daphne is started in a thread of the test
process instead, on the same ASGI application and test database (Twisted's reactor runs once
per process, so this is the one test that does it).
"""

import socket
import threading
import time
from collections.abc import Iterator
from io import BytesIO

import pytest
from PIL import Image
from playwright.sync_api import expect

from webnet.customers.models import Role
from webnet.incidents import rooms
from webnet.tests import factories
from webnet.tests.ui.browsing import log_in
from webnet.tests.ui.test_browser import browser  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser

# Counts the read markers the page sends (installed before the room's scripts run).
COUNT_READS = """
window.readMarkers = [];
const send = WebSocket.prototype.send;
WebSocket.prototype.send = function (data) {
  const frame = JSON.parse(data);
  if (frame.type === "read") window.readMarkers.push(frame.seq);
  return send.call(this, data);
};
"""


def _png(size: tuple[int, int]) -> bytes:
    out = BytesIO()
    Image.new("RGB", size, "teal").save(out, format="PNG")
    return out.getvalue()


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
    pages["room-viewer"].add_init_script(COUNT_READS)
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

    # A burst of five messages (seq 3-7) is marked read once it settles, not once per message.
    time.sleep(1.5)  # the markers of the first two messages went
    before = len(viewer_page.evaluate("window.readMarkers"))
    for i in range(1, 6):
        op.fill("#chat-input", f"burst {i}")
        op.press("#chat-input", "Enter")
    viewer_page.wait_for_selector("#chat-messages >> text=burst 5")
    time.sleep(1.5)
    after = viewer_page.evaluate("window.readMarkers")[before:]
    assert after and after[-1] == 7 and len(after) < 5 and after == sorted(set(after))

    # The operator edits their first message and deletes a burst message (confirming); the
    # viewer sees both live, and has no Edit or Delete on the operator's messages, only on theirs.
    first, burst3 = (op.locator(f"#chat-messages li[data-seq='{seq}']") for seq in (1, 5))
    first.get_by_role("button", name="Edit").click()
    first.get_by_label("Edit message").fill("core-1 and core-2 are down")
    first.get_by_label("Edit message").press("Enter")
    seen = viewer_page.locator("#chat-messages li[data-seq='1']")
    expect(seen.locator(".message-body")).to_have_text("core-1 and core-2 are down")
    expect(seen.locator(".message-edited")).to_have_text("(edited)")
    expect(first.locator(".message-edited")).to_have_text("(edited)")
    expect(seen.get_by_role("button")).to_have_count(0)
    own = viewer_page.locator("#chat-messages li[data-seq='2']")
    expect(own.get_by_role("button", name="Edit")).to_be_visible()
    asked: list[str] = []
    op.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    burst3.get_by_role("button", name="Delete").click()
    gone = viewer_page.locator("#chat-messages li[data-seq='5']")
    expect(gone.locator(".message-body")).to_have_text("message deleted")
    expect(viewer_page.locator("#chat-messages")).not_to_contain_text("burst 3")
    expect(burst3.locator(".message-body")).to_have_text("message deleted")
    expect(burst3.get_by_role("button")).to_have_count(0)
    assert asked and "Delete this message?" in asked[0]

    # An image comes with its thumbnail, live on the other page; a fake image is refused.
    viewer_page.set_input_files(
        "input[type=file]",
        files=[{"name": "shot.png", "mimeType": "image/png", "buffer": _png((640, 320))}],
    )
    viewer_page.click("button:has-text('Attach')")
    for page in (op, viewer_page):  # live over the socket; in the page the upload led back to
        expect(page.locator("#chat-messages img[alt='shot.png']")).to_have_js_property(
            "naturalWidth", 320
        )
    viewer_page.set_input_files(
        "input[type=file]",
        files=[{"name": "fake.png", "mimeType": "image/png", "buffer": b"<svg onload=x>"}],
    )
    viewer_page.click("button:has-text('Attach')")
    expect(viewer_page.get_by_text("not a readable image")).to_be_visible()

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
    # and the page as rendered shows the edit and the delete, with the controls on what is left
    expect(first.locator(".message-edited")).to_have_text("(edited)")
    expect(first.get_by_role("button", name="Edit")).to_be_visible()
    expect(burst3.locator(".message-body")).to_have_text("message deleted")
    expect(op.locator("#chat-messages")).not_to_contain_text("burst 3")
