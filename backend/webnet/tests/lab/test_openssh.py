"""The OpenSSH client logs in with a key: interactive PTY session (`ssh -tt`) and exec mode."""

from __future__ import annotations

import shutil
import subprocess

import pytest

pytestmark = pytest.mark.skipif(shutil.which("ssh") is None, reason="OpenSSH client missing")


def ssh(
    client_key, dev, *extra: str, remote: tuple[str, ...] = (), stdin: str = "", timeout: float = 20
) -> str:
    """Run OpenSSH against `dev` with key auth (`extra` options, then `remote` command words)."""
    cmd = [
        "ssh",
        "-i",
        str(client_key["private"]),
        "-p",
        str(dev.port),
        "-o",
        "StrictHostKeyChecking=no",
        "-o",
        "UserKnownHostsFile=/dev/null",
        "-o",
        "BatchMode=yes",
        "-o",
        "LogLevel=ERROR",
        *extra,
        f"{dev.username}@{dev.host}",
        *remote,
    ]
    proc = subprocess.run(cmd, input=stdin, capture_output=True, text=True, timeout=timeout)
    return proc.stdout.replace("\r\n", "\n")


SESSIONS = {
    "cisco_ios": (
        "enable\nenable\nterminal length 0\nshow version\nconfigure terminal\n"
        "hostname EDGE-SSH\nend\nshow running-config | include hostname\nexit\n",
        ["EDGE-SSH#", "hostname EDGE-SSH", "Cisco IOS Software"],
    ),
    "cisco_nxos": (
        "terminal length 0\nshow version\nconfigure terminal\nhostname N-SSH\nend\n"
        "show running-config | include hostname\nexit\n",
        ["N-SSH#", "hostname N-SSH", "NXOS: version"],
    ),
    "arista_eos": (
        "enable\nenable\nterminal length 0\nshow version\nconfigure\n"
        "hostname A-SSH\nend\nshow running-config | include hostname\nexit\n",
        ["A-SSH#", "hostname A-SSH", "Software image version"],
    ),
    "juniper_junos": (
        "set cli screen-length 0\nshow version\nconfigure\n"
        "set system host-name J-SSH\ncommit and-quit\nshow configuration system "
        "host-name\nexit\n",
        ["admin@J-SSH>", "host-name J-SSH;", "Junos:"],
    ),
    "cisco_iosxr": (
        "terminal length 0\nshow version\nconfigure\nhostname X-SSH\ncommit\nend\n"
        "show running-config | include hostname\nexit\n",
        ["RP/0/RP0/CPU0:X-SSH#", "hostname X-SSH", "Cisco IOS XR Software"],
    ),
}


@pytest.mark.parametrize("platform", list(SESSIONS))
def test_openssh_interactive_pty_session(lab, client_key, platform):
    # given the second device of the platform and a typed session fed to `ssh -tt`
    dev = lab.by_platform(platform, nth=1)
    script, expected = SESSIONS[platform]
    try:
        # when OpenSSH runs it with a PTY and public-key auth
        out = ssh(client_key, dev, "-tt", stdin=script)
        # then the prompts, show output and the changed hostname all appear
        for text in expected:
            assert text in out, f"{text!r} not in:\n{out}"
        assert "--More--" not in out
    finally:
        rt = lab.runtime(dev.hostname)
        # put the hostname back for other tests
        if platform == "juniper_junos":
            rt.running.set(["system", "host-name", dev.hostname])
            rt.pending.pop("candidate", None)
        else:
            rt.running.set_line([], f"hostname {dev.hostname}")


def test_openssh_exec_without_pty(lab, client_key):
    # given an IOS device, when `ssh host show version` runs without a PTY
    dev = lab.by_platform("cisco_ios", nth=1)
    out = ssh(client_key, dev, "-T", remote=("show version",))
    # then the output comes back unpaged, no prompt, no echo
    assert "Cisco IOS Software" in out and "Configuration register" in out
    assert "--More--" not in out and "#" not in out.splitlines()[-1]
