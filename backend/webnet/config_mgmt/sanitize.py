"""What a configuration *means*: volatile lines dropped before hashing, secrets masked for show.

Why: devices print timestamps, byte counts and clock drift into every `show running-config`, so
hashing the raw text would store a "change" on every backup (Oxidized's noise). `sanitize()` keeps
every line an engineer could have configured and drops only what the device writes about itself.
`mask_secrets()` hides password hashes, keys and SNMP communities from non-admins; the stored
snapshot keeps what the device said.
"""

import re

MASK = "<removed>"

_COMMON = [
    r"Building configuration\.\.\.(\s*\[OK\])?",
    r"Current configuration\s*:\s*\d+ bytes",
    r"Using \d+ out of \d+ bytes",
    r"!+\s*Last configuration change at .*",
    r"!\s*NVRAM config last updated at .*",
    r"!\s*No configuration change since last restart",
    r"!\s*Time:.*",
    r"ntp clock-period \d+",
]

# Per platform, on top of _COMMON (each pattern must match the whole line).
_VOLATILE: dict[str, list[str]] = {
    "cisco_ios": [],
    "cisco_iosxe": [],
    "cisco_nxos": [
        r"!\s*Command: show (running|startup)-config.*",
        r"!\s*Running configuration last done at:.*",
        r"!\s*Startup config saved at:.*",
    ],
    "cisco_iosxr": [
        # XR stamps the current time on top of every show command.
        r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \w{3} +\d+ [\d:.]+ \w+",
        r"!! IOS XR Configuration .*",
    ],
    "arista_eos": [
        r"!\s*Command: show (running|startup)-config.*",
        r"!\s*device: .*",
        r"!\s*Startup-config last modified at .*",
    ],
    "juniper_junos": [
        r"## Last (commit|changed): .*",
        r"## Image name: .*",
    ],
}

_compiled: dict[str, re.Pattern[str]] = {}


def _volatile(platform: str) -> re.Pattern[str]:
    if platform not in _compiled:
        patterns = _COMMON + _VOLATILE.get(platform, [])
        _compiled[platform] = re.compile("|".join(f"(?:{p})" for p in patterns))
    return _compiled[platform]


def sanitize(platform: str, text: str) -> str:
    """The configuration without volatile lines; trailing spaces and edge blank lines dropped."""
    volatile = _volatile(platform)
    lines = [
        line.rstrip()
        for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        if not volatile.fullmatch(line.strip())
    ]
    while lines and not lines[0].strip("! "):
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(lines) + "\n" if lines else ""


# (pattern, group to mask): the group holds the secret, the rest of the line stays readable.
_SECRETS = [
    # enable secret 9 $9$…, enable password x, enable secret sha512 $6$… (EOS)
    r"^\s*enable (?:secret|password)(?: level \d+)?(?: (?:\d+|sha512|md5))? (\S+)",
    # username admin [privilege 15] [role r] secret|password [type] VALUE
    r"^\s*username \S+.*? (?:secret|password)(?: (?:\d+|sha512|md5))? (\S+)",
    # IOS-XR username block: " secret 10 $6$…", " password 7 …"
    r"^\s+(?:secret|password)(?: \d+)? (\S+)",
    r"^\s*snmp-server community (\S+)",
    r"^\s*snmp-server user \S+ \S+.*? auth \S+ (\S+)",
    r"^\s*snmp-server user \S+ \S+.*? priv(?: \S+)? (\S+)",
    r"^\s*(?:tacacs|radius)-server (?:host \S+ )?key(?: \d+)? (\S+)",
    r"^\s*(?:tacacs|radius)-server key(?: \d+)? (\S+)",
    r"^\s*key(?: [067])? (?!\d+$)(\S+)$",
    r"\bkey-string(?: \d+)? (\S+)",
    r"\bauthentication-key(?: \d+)? (\S+)",
    r"\bmessage-digest-key \d+ md5(?: \d+)? (\S+)",
    r"\bneighbor \S+ password(?: \d+)? (\S+)",
    r"\bpre-shared-key(?: ascii-text| hexadecimal| \d+)? (\S+)",
    r"\bcrypto isakmp key(?: \d+)? (\S+)",
    r"\bchap password(?: \d+)? (\S+)",
    r"\bwpa-psk(?: ascii| hex)?(?: \d+)? (\S+)",
    # Junos: quoted secrets anywhere in a set line or a hierarchy
    r"\bencrypted-password (\"[^\"]*\"|\S+)",
    r"\b(?:secret|authentication-key|ascii-text|key) (\"[^\"]*\")",
    r"^\s*set snmp community (\S+)",
    r"^\s*community (\S+) \{",
]
_SECRET_RES = [re.compile(p) for p in _SECRETS]


def _mask_line(line: str) -> str:
    for pattern in _SECRET_RES:
        match = pattern.search(line)
        if match:
            start, end = match.span(1)
            line = line[:start] + MASK + line[end:]
    return line


def mask_secrets(platform: str, text: str) -> str:
    """The configuration with passwords, hashes, keys and communities replaced by MASK.

    Every platform's rules apply to every platform: a missed secret is worse than a masked token.
    """
    return "\n".join(_mask_line(line) for line in text.split("\n"))
