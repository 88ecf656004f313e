"""webnet device drivers: async CLI sessions over asyncssh, platforms kept as data.

No Django and no other webnet package here (an import-linter contract enforces it): the job
runner builds `ConnectParams` from its models and turns `DriverError.code` into result rows.

    from webnet.drivers import ConnectParams, open_session

    params = ConnectParams(host="10.0.0.1", platform="cisco_ios", username="admin",
                           password=..., enable_secret=..., known_host_keys=[stored_key])
    async with open_session(params) as session:
        config = await session.get_running_config()
        if session.host_key_trust == "first_use":
            store(session.host_key)
"""

from .errors import (
    AuthFailed,
    CommandRejected,
    ConnectionLost,
    ConnectionRefused,
    DriverError,
    DriverTimeout,
    HostKeyError,
    HostKeyMismatch,
    HostKeyUnknown,
    ImplausibleConfig,
    InvalidParams,
    NegotiationFailed,
    ProtocolError,
    Unreachable,
)
from .hostkeys import HostKeyVerifier
from .ifnames import canonical_ifname
from .params import ConnectParams, HostKey, HostKeyPolicy, Timeouts
from .platforms import PLATFORMS, Platform, get_platform
from .results import CommandResult
from .session import DeviceSession, open_session
from .transport import open_connection

__all__ = [
    "PLATFORMS",
    "AuthFailed",
    "CommandRejected",
    "CommandResult",
    "ConnectParams",
    "ConnectionLost",
    "ConnectionRefused",
    "DeviceSession",
    "DriverError",
    "DriverTimeout",
    "HostKey",
    "HostKeyError",
    "HostKeyMismatch",
    "HostKeyPolicy",
    "HostKeyUnknown",
    "HostKeyVerifier",
    "ImplausibleConfig",
    "InvalidParams",
    "NegotiationFailed",
    "Platform",
    "ProtocolError",
    "Timeouts",
    "Unreachable",
    "canonical_ifname",
    "get_platform",
    "open_connection",
    "open_session",
]
