"""Sending one rendered message to one place: SMTP (Django mail), signed webhooks, chat webhooks.

Each send answers an Outcome the worker turns into state: delivered, retry (with the receiver's
Retry-After when it rate-limits), or permanent (a 4xx that a retry cannot fix). No ORM here.
"""

import contextlib
import json
import smtplib
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import requests
from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from requests.adapters import HTTPAdapter
from requests.models import PreparedRequest

from webnet.notifications import egress, signing
from webnet.notifications.templates import Rendered

USER_AGENT = "webnet-notifications/1"


@dataclass(frozen=True)
class Outcome:
    ok: bool
    status_code: int | None = None
    error: str = ""
    retry_after: float | None = None  # seconds the receiver asked us to wait (429)
    permanent: bool = False  # retrying cannot help


@dataclass(frozen=True)
class Envelope:
    """Everything a transport needs, as plain data (decrypted secret included)."""

    kind: str  # email | webhook | slack | teams | mattermost
    key: str  # idempotency key
    event_type: str  # e.g. alarm.firing
    data: dict[str, Any]
    url: str = ""
    secret: str = ""
    recipients: tuple[str, ...] = ()


_local = threading.local()


class PinnedAdapter(HTTPAdapter):
    """Connects to the address egress checked (`request.pinned_address`), not to a second DNS
    answer; TLS still verifies the certificate for the URL's host name (SNI included)."""

    def build_connection_pool_key_attributes(
        self, request: PreparedRequest, verify: Any, cert: Any = None
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        host_params, pool_kwargs = super().build_connection_pool_key_attributes(
            request, verify, cert
        )
        pinned = getattr(request, "pinned_address", None)
        if pinned is not None:
            if host_params["scheme"] == "https":
                pool_kwargs["server_hostname"] = host_params["host"]
                pool_kwargs["assert_hostname"] = host_params["host"]
            host_params["host"] = pinned
        return host_params, pool_kwargs


def _session() -> requests.Session:
    if not hasattr(_local, "session"):
        session = requests.Session()
        session.headers["User-Agent"] = USER_AGENT
        session.trust_env = False  # no proxy from the environment: the checked address is used
        session.mount("http://", PinnedAdapter())
        session.mount("https://", PinnedAdapter())
        _local.session = session
    return _local.session


def retry_after_seconds(value: str | None) -> float | None:
    """Retry-After as delta-seconds or an HTTP date (RFC 9110 §10.2.3)."""
    if not value:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max((when - datetime.now(UTC)).total_seconds(), 0.0)


def _http_outcome(response: requests.Response) -> Outcome:
    code = response.status_code
    if 200 <= code < 300:
        return Outcome(True, code)
    reason = f"HTTP {code}: {response.text[:200]}"
    if code == 429:
        wait = retry_after_seconds(response.headers.get("Retry-After"))
        return Outcome(False, code, reason, retry_after=wait)
    if code in (408, 409, 425) or code >= 500:
        return Outcome(False, code, reason)
    return Outcome(False, code, reason, permanent=True)


def _post(url: str, body: bytes, headers: dict[str, str]) -> Outcome:
    try:
        pinned = egress.pinned_address(url)
    except egress.Blocked as exc:
        return Outcome(False, None, f"refused: {exc}"[:500], permanent=True)
    session = _session()
    prepared = session.prepare_request(
        requests.Request(
            "POST", url, data=body, headers={"Content-Type": "application/json", **headers}
        )
    )
    prepared.pinned_address = pinned  # type: ignore[attr-defined]
    try:
        response = session.send(
            prepared, timeout=settings.WEBNET_NOTIFY_HTTP_TIMEOUT, allow_redirects=False
        )
    except requests.RequestException as exc:
        return Outcome(False, None, f"{type(exc).__name__}: {exc}"[:500])
    return _http_outcome(response)


def chat_body(kind: str, rendered: Rendered) -> dict[str, Any]:
    """Slack and Mattermost take `text` (mrkdwn); Teams workflows take an Adaptive Card."""
    if kind == "teams":
        card = {
            "type": "AdaptiveCard",
            "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
            "version": "1.4",
            "body": [
                {"type": "TextBlock", "text": rendered.subject, "weight": "Bolder", "wrap": True},
                {"type": "TextBlock", "text": rendered.body, "wrap": True},
            ],
        }
        content = "application/vnd.microsoft.card.adaptive"
        return {"type": "message", "attachments": [{"contentType": content, "content": card}]}
    body: dict[str, Any] = {"text": rendered.body}
    if kind == "mattermost":
        body["username"] = "webnet"
    return body


def webhook_body(envelope: Envelope, rendered: Rendered) -> bytes:
    return json.dumps(
        {
            "type": envelope.event_type,
            "timestamp": datetime.now(UTC).isoformat(),
            "data": {**envelope.data, "subject": rendered.subject, "text": rendered.body},
        },
        separators=(",", ":"),
        default=str,
    ).encode()


def _mail_connection(fresh: bool = False) -> Any:
    """This thread's open SMTP connection to the configured server (reused across sends)."""
    where = (settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_HOST_USER)
    held = getattr(_local, "mail", None)
    if held is not None and (fresh or held[0] != where):
        held[1].close()
        held = None
    if held is None:
        connection = get_connection(fail_silently=False)
        connection.open()
        held = _local.mail = (where, connection)
    return held[1]


def _send_mail(mail: EmailMessage) -> None:
    """Send over the held connection; one reconnect if the server dropped it while idle."""
    try:
        mail.connection = _mail_connection()
        mail.send(fail_silently=False)
    except smtplib.SMTPServerDisconnected:
        mail.connection = _mail_connection(fresh=True)
        mail.send(fail_silently=False)


def _forget_mail_connection() -> None:
    held = getattr(_local, "mail", None)
    _local.mail = None
    if held is not None:
        with contextlib.suppress(OSError, smtplib.SMTPException):
            held[1].close()


def _email(envelope: Envelope, rendered: Rendered) -> Outcome:
    mail = EmailMessage(
        subject=rendered.subject.replace("\n", " ")[:250],
        body=rendered.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=list(envelope.recipients),
        headers={
            "Message-ID": f"<{envelope.key}@webnet>",
            "X-Webnet-Idempotency-Key": envelope.key,
        },
    )
    try:
        _send_mail(mail)
    except smtplib.SMTPResponseException as exc:
        text = f"SMTP {exc.smtp_code}: {exc.smtp_error!r}"[:500]
        return Outcome(False, exc.smtp_code, text, permanent=exc.smtp_code >= 500)
    except smtplib.SMTPRecipientsRefused as exc:
        return Outcome(False, None, f"recipients refused: {list(exc.recipients)}", permanent=True)
    except (OSError, smtplib.SMTPException) as exc:
        _forget_mail_connection()
        return Outcome(False, None, f"{type(exc).__name__}: {exc}"[:500])
    return Outcome(True, 250)


def send(envelope: Envelope, rendered: Rendered) -> Outcome:
    """One attempt; never raises for the receiver's or the network's faults."""
    if envelope.kind == "email":
        return _email(envelope, rendered)
    if envelope.kind == "webhook":
        body = webhook_body(envelope, rendered)
        headers = signing.headers(envelope.secret, envelope.key, int(time.time()), body)
        return _post(envelope.url, body, headers)
    if envelope.kind in ("slack", "teams", "mattermost"):
        body = json.dumps(chat_body(envelope.kind, rendered)).encode()
        return _post(envelope.secret, body, {"Idempotency-Key": envelope.key})
    raise ValueError(f"no transport for {envelope.kind!r}")
