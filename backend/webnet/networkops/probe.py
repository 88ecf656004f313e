"""Probing one address for SSH and logging in with the customer's credentials in order.

No Django here: the scan hands in plain login material and gets back what it found. Host keys are
not checked (an unknown address has none on record); the key presented is reported, and becomes
the device's pinned key when the candidate is approved.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field

import asyncssh

from webnet.drivers import (
    AuthFailed,
    ConnectParams,
    DriverError,
    HostKeyPolicy,
    HostKeyVerifier,
    Timeouts,
    open_connection,
)

BANNER_TIMEOUT = 3.0
PROMPT = re.compile(r"(?:[\w.\-]+@)?(?:RP/[\w/]+:)?([A-Za-z0-9][\w.\-]*)[>#%]\s*$")
# show version text → webnet platform; the first match wins, so specific before generic.
PLATFORM_MARKERS = (
    ("cisco_iosxr", re.compile(r"IOS[ -]XR", re.I)),
    ("cisco_nxos", re.compile(r"NX-OS|Nexus", re.I)),
    ("cisco_iosxe", re.compile(r"IOS[ -]XE", re.I)),
    ("cisco_ios", re.compile(r"Cisco IOS Software", re.I)),
    ("arista_eos", re.compile(r"Arista", re.I)),
    ("juniper_junos", re.compile(r"JUNOS|Junos", re.I)),
)


@dataclass(repr=False)
class Login:
    credential_id: int
    username: str
    password: str | None
    private_key: str | None


@dataclass
class Found:
    address: str
    port: int
    ssh: bool = False
    credential_id: int | None = None
    platform: str = ""
    hostname: str = ""
    version_text: str = ""
    host_key: dict[str, str] = field(default_factory=dict)
    error: str = ""


def detect_platform(text: str) -> str:
    for platform, marker in PLATFORM_MARKERS:
        if marker.search(text):
            return platform
    return ""


async def has_ssh(address: str, port: int) -> bool:
    try:
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection(address, port), BANNER_TIMEOUT
        )
    except (OSError, TimeoutError):
        return False
    try:
        banner = await asyncio.wait_for(reader.readline(), BANNER_TIMEOUT)
    except (OSError, TimeoutError):
        banner = b""
    finally:
        writer.close()
    return banner.startswith(b"SSH-")


async def _prompt_hostname(conn: asyncssh.SSHClientConnection, timeout: float) -> str:
    process = await conn.create_process(term_type="vt100", term_size=(200, 24))
    text = ""
    try:
        async with asyncio.timeout(timeout):
            while True:
                chunk = await process.stdout.read(4096)
                if not chunk:
                    break
                text += chunk
                match = PROMPT.search(text.rsplit("\n", 1)[-1])
                if match:
                    return match.group(1)
    except TimeoutError:
        pass
    finally:
        process.close()
    return ""


async def _identify(conn: asyncssh.SSHClientConnection, found: Found, timeouts: Timeouts) -> None:
    result = await asyncio.wait_for(conn.run("show version"), timeouts.command)
    text = result.stdout if isinstance(result.stdout, str) else ""
    found.version_text = text[:20000]
    found.platform = detect_platform(text)
    found.hostname = await _prompt_hostname(conn, timeouts.command)


async def probe(address: str, port: int, logins: list[Login], timeouts: Timeouts) -> Found:
    """SSH or not; if so, the first login that works, the platform and the hostname."""
    found = Found(address, port)
    if not await has_ssh(address, port):
        return found
    found.ssh = True
    for login in logins:
        params = ConnectParams(
            host=address,
            port=port,
            platform="",
            username=login.username,
            password=login.password,
            private_key=login.private_key,
            timeouts=timeouts,
            host_key_policy=HostKeyPolicy.DISABLED,
        )
        verifier = HostKeyVerifier(HostKeyPolicy.DISABLED, [], legacy=False)
        try:
            conn, _ = await open_connection(params, verifier)
        except AuthFailed:
            continue
        except DriverError as exc:
            found.error = str(exc)[:300]
            return found
        if verifier.presented is not None:
            found.host_key = {
                "openssh": verifier.presented.openssh,
                "algorithm": verifier.presented.algorithm,
                "fingerprint": verifier.presented.fingerprint,
            }
        found.credential_id = login.credential_id
        try:
            await _identify(conn, found, timeouts)
        except (asyncssh.Error, OSError, TimeoutError) as exc:
            found.error = f"logged in, but could not identify the device ({type(exc).__name__})"
        finally:
            conn.close()
        return found
    found.error = "no credential of the customer was accepted"
    return found
