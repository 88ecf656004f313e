"""Opening the SSH connection: algorithms, credentials, host key check, per-stage deadlines,
and the mapping of every asyncssh/OS failure onto a driver error code.

The connect stage (TCP, SSH banner, key exchange) and the auth stage have separate budgets. We
switch from one to the other at the moment the host key is validated, which asyncssh does
inside the key exchange just before user authentication starts; the auth deadline returned to
the session also covers opening the shell, the first prompt and `enable`.
"""

from __future__ import annotations

import asyncio
import errno
import socket
from typing import Any

import asyncssh

from .errors import (
    AuthFailed,
    ConnectionLost,
    ConnectionRefused,
    DriverError,
    DriverTimeout,
    HostKeyMismatch,
    InvalidParams,
    NegotiationFailed,
    ProtocolError,
    Unreachable,
)
from .hostkeys import HostKeyVerifier
from .params import ConnectParams

# AES-GCM first: as secure as chacha20-poly1305 and far cheaper in asyncssh, which builds three
# cipher contexts per chacha20 packet but makes one AEAD call per AES-GCM packet (measured:
# bench/bench_drivers.py). Devices without GCM fall back to the rest of asyncssh's defaults.
PREFERRED_CIPHERS = "^aes128-gcm@openssh.com,aes256-gcm@openssh.com"
# Modern defaults are asyncssh's minus SHA-1 key exchange and SHA-1 RSA host key signatures;
# legacy adds what old IOS/NX-OS/ASA images still speak. OpenSSH-style +/- lists, expanded by
# asyncssh relative to its defaults.
MODERN_ALGS: dict[str, str] = {
    "kex_algs": "-diffie-hellman-group14-sha1",
    "server_host_key_algs": "-ssh-rsa",
    "encryption_algs": PREFERRED_CIPHERS,
}
LEGACY_ALGS: dict[str, str] = {
    "kex_algs": "+diffie-hellman-group14-sha1,diffie-hellman-group1-sha1,"
    "diffie-hellman-group-exchange-sha1",
    "server_host_key_algs": "+ssh-rsa,ssh-dss",
    "encryption_algs": "aes128-gcm@openssh.com,aes256-gcm@openssh.com,"
    "chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr,"
    "aes128-cbc,aes192-cbc,aes256-cbc,3des-cbc",
    "mac_algs": "+hmac-sha1,hmac-md5",
}
# Host key signature algorithms we may offer when the key types are known.
_MODERN_HOST_KEY_ALGS = [
    "ssh-ed25519",
    "ecdsa-sha2-nistp256",
    "ecdsa-sha2-nistp384",
    "ecdsa-sha2-nistp521",
    "rsa-sha2-512",
    "rsa-sha2-256",
]
_LEGACY_HOST_KEY_ALGS = [*_MODERN_HOST_KEY_ALGS, "ssh-rsa", "ssh-dss"]
_UNREACHABLE_ERRNOS = {errno.ENETUNREACH, errno.EHOSTUNREACH, errno.EADDRNOTAVAIL}


class _Client(asyncssh.SSHClient):
    """Routes asyncssh's host key callback to the verifier and marks the start of auth."""

    def __init__(self, verifier: HostKeyVerifier, on_verified: Any) -> None:
        self._verifier = verifier
        self._on_verified = on_verified

    def validate_host_public_key(
        self, host: str, addr: str, port: int, key: asyncssh.SSHKey
    ) -> bool:
        accepted = self._verifier.validate(key)
        if accepted:
            self._on_verified()
        return accepted


def _client_keys(params: ConnectParams) -> list[asyncssh.SSHKey] | None:
    if not params.private_key:
        return None
    try:
        return [asyncssh.import_private_key(params.private_key, params.private_key_passphrase)]
    except (asyncssh.KeyImportError, asyncssh.KeyEncryptionError, ValueError):
        raise InvalidParams("the private key could not be read (format or passphrase)") from None


def connection_options(params: ConnectParams, verifier: HostKeyVerifier) -> dict[str, Any]:
    """Keyword arguments for asyncssh.connect: nothing read from ~/.ssh, no agent, no GSS."""
    algs = dict(LEGACY_ALGS if params.legacy_algorithms else MODERN_ALGS)
    if verifier.checks_known_keys:
        default = _LEGACY_HOST_KEY_ALGS if params.legacy_algorithms else _MODERN_HOST_KEY_ALGS
        algs["server_host_key_algs"] = verifier.host_key_algs(default)  # type: ignore[assignment]
    return {
        "username": params.username,
        "password": params.password or None,
        "client_keys": _client_keys(params),
        "known_hosts": ([], [], []),  # empty trusted set: every key goes through the verifier
        "agent_path": None,
        "config": [],
        "gss_auth": False,
        "gss_kex": False,
        "host_based_auth": False,
        "x509_trusted_certs": None,
        "keepalive_interval": 0,
        **algs,
    }


async def open_connection(
    params: ConnectParams, verifier: HostKeyVerifier
) -> tuple[asyncssh.SSHClientConnection, float]:
    """Connect and authenticate; return the connection and the deadline (loop time) left for
    the rest of the auth stage."""
    loop = asyncio.get_running_loop()
    timeouts = params.timeouts
    stage = "connect"
    auth_deadline = loop.time() + timeouts.connect + timeouts.auth
    options = connection_options(params, verifier)
    try:
        async with asyncio.timeout(timeouts.connect) as budget:

            def on_verified() -> None:
                nonlocal stage, auth_deadline
                stage = "auth"
                auth_deadline = loop.time() + timeouts.auth
                budget.reschedule(auth_deadline)

            conn = await asyncssh.connect(
                params.host,
                params.port,
                client_factory=lambda: _Client(verifier, on_verified),
                **options,
            )
    except TimeoutError:
        seconds = timeouts.connect if stage == "connect" else timeouts.auth
        raise DriverTimeout(stage, seconds, host=params.host) from None
    except Exception as exc:
        raise map_connect_error(exc, params, verifier, stage) from exc
    return conn, auth_deadline


def map_connect_error(
    exc: BaseException, params: ConnectParams, verifier: HostKeyVerifier, stage: str
) -> DriverError:
    """One driver error for whatever asyncssh or the OS raised while connecting."""
    host = params.host
    if isinstance(exc, DriverError):
        return exc.with_host(host)
    if isinstance(exc, asyncssh.HostKeyNotVerifiable):
        if verifier.refusal is not None:
            return verifier.refusal.with_host(host)
        return HostKeyMismatch(f"host key not verifiable: {exc.reason}", host=host)
    if isinstance(exc, asyncssh.PermissionDenied):
        return AuthFailed(f"authentication failed for user {params.username!r}", host=host)
    legacy_hint = "" if params.legacy_algorithms else "; old devices may need legacy_algorithms"
    if isinstance(exc, asyncssh.KeyExchangeFailed):
        if verifier.checks_known_keys and "host key" in exc.reason.lower():
            return HostKeyMismatch(
                "the server offers no host key of the type on record "
                f"({exc.reason}); its key may have been replaced",
                host=host,
            )
        return NegotiationFailed(
            f"SSH algorithm negotiation failed: {exc.reason}{legacy_hint}", host=host
        )
    if stage == "connect" and verifier.presented is None and _is_reset(exc):
        # The handshake was cut before we saw a host key: when the server finds no common
        # algorithm it disconnects, and its TCP reset can overtake the packet saying so.
        return ConnectionLost(
            f"the server closed the connection during the SSH handshake{legacy_hint}", host=host
        )
    if isinstance(exc, asyncssh.ConnectionLost):
        return ConnectionLost(f"connection lost during {stage}: {exc.reason}", host=host)
    if isinstance(
        exc,
        asyncssh.ProtocolError | asyncssh.ProtocolNotSupported | asyncssh.MACError,
    ):
        return ProtocolError(f"SSH protocol error during {stage}: {exc.reason}", host=host)
    if isinstance(exc, asyncssh.DisconnectError):
        return ConnectionLost(f"server disconnected during {stage}: {exc.reason}", host=host)
    if isinstance(exc, ConnectionRefusedError):
        return ConnectionRefused(f"connection refused on port {params.port}", host=host)
    if isinstance(exc, socket.gaierror):
        return Unreachable(f"cannot resolve host name ({exc.strerror})", host=host)
    if isinstance(exc, OSError):
        text = str(exc)
        if exc.errno == errno.ECONNREFUSED or "[Errno 111]" in text:
            return ConnectionRefused(f"connection refused on port {params.port}", host=host)
        if exc.errno in _UNREACHABLE_ERRNOS or "unreachable" in text.lower():
            return Unreachable(f"no route to host ({exc.strerror or text})", host=host)
        return ConnectionLost(f"network error during {stage}: {exc.strerror or text}", host=host)
    if isinstance(exc, ValueError):
        return InvalidParams(f"invalid connection parameters: {exc}", host=host)
    return ProtocolError(f"unexpected {type(exc).__name__} during {stage}: {exc}", host=host)


def _is_reset(exc: BaseException) -> bool:
    if isinstance(exc, asyncssh.ConnectionLost):
        return True
    return isinstance(exc, ConnectionResetError | BrokenPipeError) or (
        isinstance(exc, asyncssh.DisconnectError) and exc.code == asyncssh.DISC_CONNECTION_LOST
    )
