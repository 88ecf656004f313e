"""Transport details: Retry-After in both forms, which answers are worth a retry, signatures."""

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
import requests

from webnet.notifications import signing, transports
from webnet.tests.notifications.peers import verify_standard_webhook


def test_retry_after_as_seconds_or_an_http_date() -> None:
    assert transports.retry_after_seconds("120") == 120
    assert transports.retry_after_seconds("-5") == 0
    soon = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    assert 25 <= transports.retry_after_seconds(soon) <= 31
    assert transports.retry_after_seconds("whenever") is None
    assert transports.retry_after_seconds(None) is None


@pytest.mark.parametrize(
    ("code", "ok", "permanent"),
    [(200, True, False), (204, True, False), (500, False, False), (503, False, False),
     (408, False, False), (400, False, True), (401, False, True), (404, False, True)],
)  # fmt: skip
def test_which_answers_are_retried(code: int, ok: bool, permanent: bool) -> None:
    response = requests.Response()
    response.status_code = code
    response._content = b""
    outcome = transports._http_outcome(response)
    assert (outcome.ok, outcome.permanent) == (ok, permanent)


def test_signatures_follow_the_standard_and_bad_secrets_are_refused() -> None:
    secret = signing.new_secret()
    headers = signing.headers(secret, "msg_x", 1_700_000_000, b"{}")
    assert headers["webhook-signature"].startswith("v1,")
    assert verify_standard_webhook(secret, headers, b"{}")
    assert not verify_standard_webhook(signing.new_secret(), headers, b"{}")
    with pytest.raises(ValueError, match="whsec_"):
        signing.secret_bytes("plain")
    with pytest.raises(ValueError, match="base64"):
        signing.secret_bytes("whsec_***")


def test_the_specifications_example_signature() -> None:
    """The example of the Standard Webhooks / Svix documentation, byte for byte."""
    signature = signing.sign(
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        "msg_p5jXN8AQM9LWM0D4loKWxJek",
        1614265330,
        b'{"test": 2432232314}',
    )
    assert signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
