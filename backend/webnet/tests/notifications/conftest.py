"""Notification test fixtures: the SMTP and webhook peers, and Django mail pointed at SMTP."""

from collections.abc import Iterator

import pytest
from django.test import override_settings

from webnet.tests.notifications.peers import Script, SMTPPeer, WebhookPeer


@pytest.fixture
def smtp() -> Iterator[SMTPPeer]:
    peer = SMTPPeer().start()
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=peer.port,
        EMAIL_USE_TLS=False,
        EMAIL_HOST_USER="",
        EMAIL_HOST_PASSWORD="",
    ):
        yield peer
    peer.stop()


@pytest.fixture
def script() -> Script:
    return Script()


@pytest.fixture
def webhook(script: Script) -> Iterator[WebhookPeer]:
    peer = WebhookPeer(script).start()
    yield peer
    peer.stop()
