"""Browser: an admin creates an email sink, presses Test, and the SMTP server (aiosmtpd) gets
the mail rendered by the real template; the inbox badge shows the unread count."""

import pytest

from webnet.customers.models import Role
from webnet.notifications.models import InboxItem, Sink
from webnet.tests import factories
from webnet.tests.notifications import conftest as peer_fixtures
from webnet.tests.notifications.peers import SMTPPeer
from webnet.tests.ui.browsing import log_in
from webnet.tests.ui.test_browser import browser  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser
smtp = peer_fixtures.smtp


def test_create_an_email_sink_and_press_test(
    transactional_db: None,
    live_server: object,
    browser: object,  # noqa: F811
    smtp: SMTPPeer,
) -> None:
    membership = factories.MembershipFactory(role=Role.ADMIN, user__username="notify-admin")
    InboxItem.objects.create(
        customer=membership.customer, user=membership.user, key="k1", topic="alarm",
        state="firing", severity="major", title="core-1 down",
    )  # fmt: skip
    base = live_server.url  # type: ignore[attr-defined]
    page = log_in(browser, base, "notify-admin")
    assert page.get_by_test_id("inbox-badge").inner_text() == "1"
    page.goto(f"{base}/notifications/sinks/new/")
    page.fill("#id_name", "noc-mail")
    page.select_option("#id_kind", "email")
    page.fill("#id_recipients", "noc@alpha.test, oncall@alpha.test")
    page.get_by_role("button", name="Create").click()
    page.wait_for_url(f"{base}/notifications/sinks/")
    assert Sink.objects.get().recipients == ["noc@alpha.test", "oncall@alpha.test"]
    page.get_by_test_id("sink-row").get_by_role("button", name="Test").click()
    page.get_by_text("Test sent to “noc-mail”.").wait_for()
    [mail] = smtp.messages
    assert mail["To"] == "noc@alpha.test, oncall@alpha.test"
    assert mail["Subject"] == "[WARNING] firing: Test notification from webnet"
    page.goto(f"{base}/inbox/")
    page.get_by_role("button", name="Mark all read").click()
    page.wait_for_url(f"{base}/inbox/")
    assert page.get_by_test_id("inbox-badge").is_hidden()
