"""Driver errors: one class per failure a job result row must be able to name.

Every error carries a stable `code` (stored in JobDeviceResult, matched by the UI and tests) and a
human message. Messages are built here from facts we chose to include (host, stage, a truncated
prompt line), never from credentials; `redact()` is a second line of defence for text that came
from a peer (asyncssh disconnect reasons, device output).
"""

from __future__ import annotations

from collections.abc import Iterable

AUTH_FAILED = "auth_failed"
TIMEOUT = "timeout"
HOST_KEY_MISMATCH = "host_key_mismatch"
HOST_KEY_UNKNOWN = "host_key_unknown"
COMMAND_REJECTED = "command_rejected"
CONNECTION_REFUSED = "connection_refused"
CONNECTION_LOST = "connection_lost"
UNREACHABLE = "unreachable"
PROTOCOL_ERROR = "protocol_error"
NEGOTIATION_FAILED = "negotiation_failed"
INVALID_PARAMS = "invalid_params"
IMPLAUSIBLE_CONFIG = "implausible_config"


def redact(text: str, secrets: Iterable[str | None]) -> str:
    """Replace every non-empty secret in `text` with `***` (longest first, so overlaps hold)."""
    for secret in sorted((s for s in secrets if s), key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, "***")
    return text


class DriverError(Exception):
    """Base of every failure talking to a device; `code` is stable, `message` is for people."""

    code: str = "driver_error"
    output: str = ""  # device output that explains the failure, when there is some

    def __init__(self, message: str, *, host: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.host = host

    def __str__(self) -> str:
        return f"{self.host}: {self.message}" if self.host else self.message

    def with_host(self, host: str) -> DriverError:
        if not self.host:
            self.host = host
        return self

    def redacted(self, secrets: Iterable[str | None]) -> DriverError:
        """Scrub secrets from the message (and any device output carried) in place."""
        secrets = list(secrets)
        self.message = redact(self.message, secrets)
        self.args = (self.message,)
        if self.output:
            self.output = redact(self.output, secrets)
        return self


class AuthFailed(DriverError):
    """The device refused the login credentials, or the enable secret (`stage == "enable"`)."""

    code = AUTH_FAILED

    def __init__(self, message: str, *, host: str = "", stage: str = "auth") -> None:
        self.stage = stage
        super().__init__(message, host=host)


class DriverTimeout(DriverError):
    """A stage ran out of time: `connect` (TCP + SSH handshake + key exchange), `auth`
    (user authentication, shell, first prompt, enable) or `command`."""

    code = TIMEOUT

    def __init__(self, stage: str, seconds: float, *, host: str = "", detail: str = "") -> None:
        self.stage = stage
        self.seconds = seconds
        text = f"timed out after {seconds:g}s during {stage}"
        super().__init__(f"{text} ({detail})" if detail else text, host=host)


class HostKeyError(DriverError):
    """Host key verification refused the server before any credential was sent.

    `presented` is the key the server offered (a `HostKey`), so an admin can approve it.
    """

    def __init__(self, message: str, *, host: str = "", presented: object = None) -> None:
        self.presented = presented
        super().__init__(message, host=host)


class HostKeyMismatch(HostKeyError):
    code = HOST_KEY_MISMATCH


class HostKeyUnknown(HostKeyError):
    code = HOST_KEY_UNKNOWN


class CommandRejected(DriverError):
    """The device answered a command or config line with an error (`% Invalid input`, Junos
    `syntax error`, a failed commit). `output` holds what the device said."""

    code = COMMAND_REJECTED

    def __init__(self, command: str, output: str, *, host: str = "") -> None:
        self.command = command
        self.output = output
        first = next((ln.strip() for ln in output.splitlines() if _is_message(ln)), "")
        super().__init__(f"command rejected: {command!r}: {first[:120]}", host=host)


def _is_message(line: str) -> bool:
    """Skip caret marker lines (`    ^`) when choosing the line that explains a rejection."""
    stripped = line.strip()
    return bool(stripped) and stripped != "^"


class ImplausibleConfig(DriverError):
    """What the device sent for its running configuration is not one (an error or refusal
    line, too short, the platform's markers missing). `output` holds what it sent."""

    code = IMPLAUSIBLE_CONFIG

    def __init__(self, reason: str, output: str, *, host: str = "") -> None:
        self.output = output
        super().__init__(f"not a running configuration: {reason}", host=host)


class ConnectionRefused(DriverError):
    code = CONNECTION_REFUSED


class ConnectionLost(DriverError):
    """The connection or channel closed while we were waiting for the device."""

    code = CONNECTION_LOST


class Unreachable(DriverError):
    """Name resolution failed or there is no route to the host."""

    code = UNREACHABLE


class ProtocolError(DriverError):
    """The peer spoke something we cannot trust: SSH protocol violations, control bytes or
    invalid UTF-8 in command output, or no recognisable prompt after login."""

    code = PROTOCOL_ERROR

    def __init__(self, message: str, *, host: str = "", output: str = "") -> None:
        self.output = output
        super().__init__(message, host=host)


class NegotiationFailed(DriverError):
    """No common key exchange, cipher, MAC or host key algorithm; old gear usually needs
    `legacy_algorithms=True`."""

    code = NEGOTIATION_FAILED


class InvalidParams(DriverError):
    """The connection parameters cannot work (unknown platform, unreadable private key)."""

    code = INVALID_PARAMS
