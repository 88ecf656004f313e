"""Receivers the notification tests talk to: a real SMTP server (aiosmtpd) and a webhook endpoint.

Both run in-process on loopback ports and record what arrived, keyed by idempotency key. The
webhook receiver plays a script (answer 500 for the first N requests, then 429 with Retry-After
for M, then 200) and verifies Standard Webhooks signatures with its own implementation.
"""

import base64
import hashlib
import hmac
import json
import logging
import socket
import threading
from collections import Counter
from dataclasses import dataclass, field
from email import message_from_bytes
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller


class _Mailbox:
    def __init__(self) -> None:
        self.messages: list[Any] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            self.messages.append(message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd's per-connection chatter


class SMTPPeer:
    def __init__(self) -> None:
        self.box = _Mailbox()
        self.port = free_port()
        self.controller = Controller(self.box, hostname="127.0.0.1", port=self.port)

    def start(self) -> "SMTPPeer":
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    @property
    def messages(self) -> list[Any]:
        with self.box.lock:
            return list(self.box.messages)

    def keys(self) -> Counter:
        return Counter(m["X-Webnet-Idempotency-Key"] for m in self.messages)


def verify_standard_webhook(secret: str, headers: Any, body: bytes) -> bool:
    """The receiver's side of https://www.standardwebhooks.com, written from the spec."""
    key = base64.b64decode(secret.split("_", 1)[1])
    content = b".".join(
        [headers["webhook-id"].encode(), headers["webhook-timestamp"].encode(), body]
    )
    expected = base64.b64encode(hmac.new(key, content, hashlib.sha256).digest()).decode()
    offered = [part.split(",", 1)[1] for part in headers["webhook-signature"].split(" ")]
    return any(hmac.compare_digest(expected, sig) for sig in offered)


@dataclass
class Script:
    """How the webhook receiver answers: failures first, then rate limits, then success."""

    fail_first: int = 0
    rate_limit_next: int = 0
    retry_after: str = "1"
    secret: str = ""
    seen: Counter = field(default_factory=Counter)  # idempotency key → processed (once each)
    duplicates: Counter = field(default_factory=Counter)  # re-sent keys, answered 200 unprocessed
    bodies: list[dict] = field(default_factory=list)
    requests: int = 0
    answered: Counter = field(default_factory=Counter)  # status code → count
    bad_signatures: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


class WebhookPeer:
    def __init__(self, script: Script) -> None:
        self.script = script
        peer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                code, extra = peer.answer(self.headers, body)
                self.send_response(code)
                for name, value in extra.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/hook"

    def answer(self, headers: Any, body: bytes) -> tuple[int, dict[str, str]]:
        script = self.script
        with script.lock:
            script.requests += 1
            number = script.requests
            if number <= script.fail_first:
                code, extra = 500, {}
            elif number <= script.fail_first + script.rate_limit_next:
                code, extra = 429, {"Retry-After": script.retry_after}
            elif script.secret and not verify_standard_webhook(script.secret, headers, body):
                script.bad_signatures += 1
                code, extra = 401, {}
            else:
                key = headers.get("webhook-id") or headers.get("Idempotency-Key")
                if key in script.seen:  # what a Standard Webhooks receiver does with a re-send
                    script.duplicates[key] += 1
                else:
                    script.seen[key] = 1
                    script.bodies.append(json.loads(body))
                code, extra = 200, {}
            script.answered[code] += 1
        return code, extra

    def start(self) -> "WebhookPeer":
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
