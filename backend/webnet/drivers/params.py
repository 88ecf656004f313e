"""What a caller hands the driver to reach one device, and what it gets back about the host key.

Plain dataclasses so the job runner can build them from ORM rows (decrypted credentials, stored
SSHHostKey rows) without the driver knowing about either.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class HostKeyPolicy(StrEnum):
    """`strict`: only known keys; `tofu`: known keys if any, else accept and report the key;
    `disabled`: accept anything (still reported)."""

    STRICT = "strict"
    TOFU = "tofu"
    DISABLED = "disabled"


@dataclass(frozen=True)
class Timeouts:
    """Seconds per stage. `connect`: TCP, SSH banner and key exchange. `auth`: authentication,
    shell, first prompt and enable. `command`: each command (including paging setup)."""

    connect: float = 10.0
    auth: float = 15.0
    command: float = 60.0


@dataclass(frozen=True)
class HostKey:
    """A server host key as the caller stores it: the OpenSSH public key line (no comment),
    its algorithm, and the SHA256 fingerprint operators compare."""

    openssh: str
    algorithm: str
    fingerprint: str


@dataclass(repr=False)
class ConnectParams:
    """One device's connection. Secrets live here only; `repr` never shows them."""

    host: str
    platform: str
    username: str
    password: str | None = None
    port: int = 22
    enable_secret: str | None = None
    private_key: str | None = None  # OpenSSH/PEM private key text
    private_key_passphrase: str | None = None
    legacy_algorithms: bool = False
    timeouts: Timeouts = field(default_factory=Timeouts)
    host_key_policy: HostKeyPolicy | str = HostKeyPolicy.TOFU
    known_host_keys: list[str] = field(default_factory=list)  # OpenSSH public key lines

    @property
    def secrets(self) -> tuple[str | None, ...]:
        """Everything that must never reach a message or a log line."""
        return (self.password, self.enable_secret, self.private_key, self.private_key_passphrase)

    def __repr__(self) -> str:
        return (
            f"ConnectParams(host={self.host!r}, port={self.port}, platform={self.platform!r}, "
            f"username={self.username!r}, password={'***' if self.password else None}, "
            f"enable_secret={'***' if self.enable_secret else None}, "
            f"private_key={'***' if self.private_key else None}, "
            f"legacy_algorithms={self.legacy_algorithms}, "
            f"host_key_policy={str(self.host_key_policy)!r}, "
            f"known_host_keys={len(self.known_host_keys)})"
        )
