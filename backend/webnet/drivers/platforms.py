"""Platform profiles as data: one row per network OS, for the session and for everyone else.

The session reads prompts, paging, privilege, config mode, errors. The rest of webnet reads the
same row for the vendor, the ntc-templates and hier_config names, whether the configuration is
set-form, and which commands show neighbours and interfaces — instead of branching on names.
One session class drives every platform; what differs between vendors is a row here. Regexes are
compiled once at import. Prompt patterns are bytes and full-match the *last line* of what the
device sent (the channel never scans whole outputs for prompts).

Prompt groups: `base` (hostname part, learned at login and required afterwards), `mode` (the
`(config-if)` part, may be empty) and `term` (`>`, `#`, Junos `%`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import InvalidParams

_CISCO_PROMPT = re.compile(rb"(?P<base>[\w.\-/:]+?)(?P<mode>\([\w.\-@/:+ ]*\))?(?P<term>[>#])\s*")
# `user@host>`, and without `user@`: `host>`, or `root>` on a factory-default box (no host name).
_JUNOS_PROMPT = re.compile(rb"(?P<base>(?:[\w.\-]+@)?[\w.\-:]+)(?P<mode>)(?P<term>[>#%])\s*")
_CISCO_PAGER = re.compile(rb"\s*-+ ?More ?-+\s*")
_JUNOS_PAGER = re.compile(rb"-+\(more(?: \d+%)?\)-+\s*")
PASSWORD_PROMPT = re.compile(rb"(?i).*pass(?:word|code)\s*:\s*")

_CISCO_ERRORS = re.compile(
    r"^\s*% ?(?:Invalid|Incomplete|Ambiguous|Unknown command|Unrecognized command|Bad secret"
    r"|Error|Failed|Access denied|Permission denied|Not authorized)",
    re.MULTILINE,
)
_JUNOS_ERRORS = re.compile(
    r"^\s*(?:syntax error|unknown command|error:|'[^'\n]*' is ambiguous|missing argument"
    r"|invalid (?:value|interface|ip address))",
    re.MULTILINE,
)


def _markers(**patterns: str) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """(name, pattern) pairs a running configuration of the platform always contains."""
    return tuple((name, re.compile(rx, re.MULTILINE)) for name, rx in patterns.items())


_IOS_MARKERS = _markers(version=r"^version \S", hostname=r"^hostname \S", end=r"^end\s*$")
# Junos prints the edit path on its own line before a configuration-mode prompt.
_JUNOS_EDIT_LINE = re.compile(r"\n*\[edit[^\]\n]*\]\s*$")


@dataclass(frozen=True)
class Platform:
    """Everything webnet needs to know about one network OS."""

    name: str
    vendor: str
    ntc_platform: str  # ntc-templates' name for it
    hier_config_os: str  # hier_config's Platform member (remediation, predicted diffs)
    prompt: re.Pattern[bytes]
    pager: re.Pattern[bytes]
    errors: re.Pattern[str]
    setup_commands: tuple[str, ...]
    running_config_command: str
    config_enter: tuple[str, ...]
    config_finish: tuple[str, ...]
    config_abort: tuple[str, ...]
    enable_command: str | None = None  # sent when the login prompt ends in `>`
    save_command: str | None = None  # None: a commit already persists the configuration
    config_term: bytes | None = None  # Junos: `#` means configuration mode (no mode group)
    trailing_noise: re.Pattern[str] | None = None  # stripped from output before the prompt
    # Transactional changes where the OS has them: EOS configure sessions, Junos commit confirmed.
    session_enter: str | None = None  # e.g. "configure session {name}"
    session_finish: tuple[str, ...] = ()
    session_abort: tuple[str, ...] = ()
    confirmed_finish: tuple[str, ...] = ()  # e.g. ("commit confirmed {minutes}", "exit ...")
    confirm_commands: tuple[str, ...] = ()  # make a confirmed commit permanent
    rollback_commands: tuple[str, ...] = ()  # back to the previous commit ("{steps}")
    # What makes output a running configuration (checked before a backup is trusted): lines at
    # least, and every marker present.
    config_min_lines: int = 10
    config_markers: tuple[tuple[str, re.Pattern[str]], ...] = ()
    # The configuration is a flat list of `set` lines (Junos), not indented sections.
    set_form: bool = False
    lldp_command: str = "show lldp neighbors detail"
    cdp_command: str | None = None  # Cisco's own discovery protocol, where the OS has it
    interfaces_command: str = "show ip interface brief"

    def config_steps(
        self, session_name: str | None, confirm_minutes: int | None
    ) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
        """(enter, finish, abort) for a change: plain, in a named session, or commit-confirmed."""
        if session_name and self.session_enter:
            return (
                (self.session_enter.format(name=session_name),),
                self.session_finish,
                self.session_abort,
            )
        if confirm_minutes and self.confirmed_finish:
            finish = tuple(step.format(minutes=confirm_minutes) for step in self.confirmed_finish)
            return self.config_enter, finish, self.config_abort
        return self.config_enter, self.config_finish, self.config_abort

    def in_config_mode(self, mode: bytes | None, term: bytes) -> bool:
        if self.config_term is not None:
            return term == self.config_term
        return bool(mode) and mode.startswith(b"(config")  # type: ignore[union-attr]


_CISCO = {
    "prompt": _CISCO_PROMPT,
    "pager": _CISCO_PAGER,
    "errors": _CISCO_ERRORS,
    "running_config_command": "show running-config",
    "config_enter": ("configure terminal",),
    "config_finish": ("end",),
    "config_abort": ("end",),
}

PLATFORMS: dict[str, Platform] = {
    p.name: p
    for p in (
        Platform(
            name="cisco_ios",
            vendor="Cisco",
            ntc_platform="cisco_ios",
            hier_config_os="CISCO_IOS",
            cdp_command="show cdp neighbors detail",
            setup_commands=("terminal length 0", "terminal width 511"),
            enable_command="enable",
            save_command="write memory",
            config_markers=_IOS_MARKERS,
            **_CISCO,  # type: ignore[arg-type]
        ),
        Platform(
            name="cisco_iosxe",
            vendor="Cisco",
            ntc_platform="cisco_ios",
            hier_config_os="CISCO_IOS",
            cdp_command="show cdp neighbors detail",
            setup_commands=("terminal length 0", "terminal width 511"),
            enable_command="enable",
            save_command="write memory",
            config_markers=_IOS_MARKERS,
            **_CISCO,  # type: ignore[arg-type]
        ),
        Platform(
            name="cisco_nxos",
            vendor="Cisco",
            ntc_platform="cisco_nxos",
            hier_config_os="CISCO_NXOS",
            cdp_command="show cdp neighbors detail",
            setup_commands=("terminal length 0", "terminal width 511"),
            save_command="copy running-config startup-config",
            config_markers=_markers(version=r"^version \S", hostname=r"^(?:host|switch)name \S"),
            **_CISCO,  # type: ignore[arg-type]
        ),
        Platform(
            name="arista_eos",
            vendor="Arista",
            ntc_platform="arista_eos",
            hier_config_os="ARISTA_EOS",
            setup_commands=("terminal length 0", "terminal width 32767"),
            enable_command="enable",
            save_command="write memory",
            session_enter="configure session {name}",
            session_finish=("commit",),
            session_abort=("abort",),
            config_markers=_markers(header=r"^! Command: show running-config", end=r"^end\s*$"),
            **_CISCO,  # type: ignore[arg-type]
        ),
        Platform(
            name="cisco_iosxr",
            vendor="Cisco",
            ntc_platform="cisco_xr",
            hier_config_os="CISCO_XR",
            cdp_command="show cdp neighbors detail",
            setup_commands=("terminal length 0", "terminal width 512"),
            config_markers=_markers(header=r"^!! IOS XR Configuration", end=r"^end\s*$"),
            **{**_CISCO, "config_finish": ("commit", "end"), "config_abort": ("abort",)},  # type: ignore[arg-type]
        ),
        Platform(
            name="juniper_junos",
            vendor="Juniper",
            ntc_platform="juniper_junos",
            hier_config_os="JUNIPER_JUNOS",
            set_form=True,
            lldp_command="show lldp neighbors",
            # ntc-templates has no `show interfaces terse` (its `show interfaces` rejects it).
            interfaces_command="show interfaces",
            prompt=_JUNOS_PROMPT,
            pager=_JUNOS_PAGER,
            errors=_JUNOS_ERRORS,
            setup_commands=(
                "set cli screen-length 0",
                "set cli screen-width 511",
                "set cli complete-on-space off",
            ),
            running_config_command="show configuration | display set",
            config_enter=("configure",),
            config_finish=("commit and-quit",),
            config_abort=("rollback 0", "exit configuration-mode"),
            config_term=b"#",
            trailing_noise=_JUNOS_EDIT_LINE,
            confirmed_finish=("commit confirmed {minutes}", "exit configuration-mode"),
            confirm_commands=("configure", "commit and-quit"),
            rollback_commands=("configure", "rollback {steps}", "commit and-quit"),
            config_min_lines=3,
            config_markers=_markers(system=r"^(?:set system |system \{)"),
        ),
    )
}

ALIASES = {
    "ios": "cisco_ios",
    "cisco_xe": "cisco_iosxe",
    "iosxe": "cisco_iosxe",
    "nxos": "cisco_nxos",
    "cisco_xr": "cisco_iosxr",
    "iosxr": "cisco_iosxr",
    "eos": "arista_eos",
    "junos": "juniper_junos",
    "juniper": "juniper_junos",
}


def get_platform(name: str) -> Platform:
    """The Platform for a name or a common alias (`cisco_xe`, `eos`, `junos`...)."""
    key = name.strip().lower()
    found = PLATFORMS.get(ALIASES.get(key, key))
    if found is None:
        raise InvalidParams(f"unknown platform {name!r}; known: {', '.join(PLATFORMS)}")
    return found
