"""Host key verification during key exchange, before any credential leaves this process.

asyncssh calls `SSHClient.validate_host_public_key` while the key exchange is still running when
the server's key is not in the trusted set. We hand asyncssh an *empty* trusted set so that the
callback always runs and the policy lives here, in one place: compare with the known keys, record
the presented key, decide. Refusing raises `HostKeyNotVerifiable` inside asyncssh, which aborts
the connection before the user-auth phase starts, so no password or key signature is ever sent.

As asyncssh would for its own known_hosts, we ask the server for the key types we already know,
so a device with several host keys presents the one we stored.
"""

from __future__ import annotations

import base64
import binascii

import asyncssh

from .errors import HostKeyError, HostKeyMismatch, HostKeyUnknown, InvalidParams
from .params import HostKey, HostKeyPolicy

# Signature algorithms a key type can be verified with (RSA keys sign with SHA-2 or SHA-1).
_SIG_ALGS = {"ssh-rsa": ("rsa-sha2-512", "rsa-sha2-256", "ssh-rsa")}


def describe_key(key: asyncssh.SSHKey) -> HostKey:
    """The OpenSSH line, algorithm and SHA256 fingerprint of a public key."""
    line = key.export_public_key("openssh").decode("ascii").strip()
    parts = line.split()
    return HostKey(
        openssh=" ".join(parts[:2]),
        algorithm=parts[0],
        fingerprint=key.get_fingerprint("sha256"),
    )


def _blob(line: str) -> tuple[str, bytes]:
    parts = line.split()
    if len(parts) < 2:
        raise InvalidParams("known host key is not an OpenSSH public key line")
    try:
        return parts[0], base64.b64decode(parts[1], validate=True)
    except (binascii.Error, ValueError):
        raise InvalidParams("known host key has invalid base64 data") from None


class HostKeyVerifier:
    """Applies one device's host key policy to the key its server presents."""

    def __init__(self, policy: HostKeyPolicy | str, known: list[str], *, legacy: bool) -> None:
        try:
            self.policy = HostKeyPolicy(policy)
        except ValueError:
            raise InvalidParams(f"unknown host key policy {policy!r}") from None
        self.legacy = legacy
        self._known: set[bytes] = set()
        self._known_types: list[str] = []
        for line in known:
            if line.strip():
                alg, blob = _blob(line)
                self._known.add(blob)
                if alg not in self._known_types:
                    self._known_types.append(alg)
        self.presented: HostKey | None = None
        self.trust: str | None = None  # known | first_use | disabled
        self.refusal: HostKeyError | None = None

    @property
    def checks_known_keys(self) -> bool:
        return bool(self._known) and self.policy is not HostKeyPolicy.DISABLED

    def host_key_algs(self, default: list[str]) -> list[str]:
        """Signature algorithms to offer: those of the known key types, else `default`."""
        if not self.checks_known_keys:
            return default
        algs: list[str] = []
        for key_type in self._known_types:
            for alg in _SIG_ALGS.get(key_type, (key_type,)):
                if alg in default and alg not in algs:
                    algs.append(alg)
        return algs or default

    def validate(self, key: asyncssh.SSHKey) -> bool:
        """asyncssh's callback: True lets the key exchange finish, False aborts it."""
        self.presented = describe_key(key)
        if self.policy is HostKeyPolicy.DISABLED:
            self.trust = "disabled"
            return True
        if self._known:
            if key.public_data in self._known:
                self.trust = "known"
                return True
            self.refusal = HostKeyMismatch(
                f"host key mismatch: server presented {self.presented.algorithm} "
                f"{self.presented.fingerprint}, which is not the key on record",
                presented=self.presented,
            )
            return False
        if self.policy is HostKeyPolicy.TOFU:
            self.trust = "first_use"
            return True
        self.refusal = HostKeyUnknown(
            f"no known host key (strict policy); server presented {self.presented.algorithm} "
            f"{self.presented.fingerprint}",
            presented=self.presented,
        )
        return False
