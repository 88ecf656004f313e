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


# Secret-masking rules as data, per platform. A rule is a regex for one secret syntax; `{S}` marks
# where the secret stands (its value position), `{T}` an optional Cisco type digit (0, 5, 6, 7…)
# and `{E}` the optional XR `encrypted`/`clear`/IOS-XR `password` word before it. Rules describe
# the whole syntax up to the secret, so a keyword elsewhere on the line (`md5`, `128`, `address`)
# is never what gets masked; the corpus in tests/config_mgmt/fixtures/secrets is the spec.
_S = r'("[^"]*"|[^\s"]\S*)'
_T = r"(?:[0-9] )?"
_E = r"(?:(?:encrypted|clear|password) )?"

_CISCO = [
    # enable [algorithm-type X] secret|password [level N] [type|sha512|md5] VALUE
    r"^\s*enable (?:algorithm-type \S+ )?(?:secret|password) (?:level \d+ )?"
    r"(?:(?:[0-9]|sha512|md5) )?{S}",
    r"^\s*username \S+ (?:\S+ )*?(?:secret|password) (?:(?:[0-9]|sha512|md5) )?{S}",
    r"^\s*aaa root secret (?:(?:[0-9]|sha512) )?{S}",
    r"^\s*key config-key password-encrypt {S}",
    # indented `password [type] X`: lines, XR usernames and BGP neighbors, NX-OS BGP neighbors
    r"^\s+password {T}{E}(?!(?:encryption-key|minimum|policy)\b){S}",
    r"^\s+secret (?:[0-9]+ )?{S}",
    r"^\s*ip (?:ftp|http client) password {T}{S}",
    r"\bsent-username \S+ password {T}{S}",
    r"\bchap password {T}{S}",
    r"\bwpa-psk (?:ascii |hex )?{T}{S}",
    # credentials inside URLs: ftp://user:password@host
    r"://[^\s:/@]+:([^\s@]+)@",
    # SNMP: v1/v2c community (not a v3 user name, nor an NX-OS vrf/source line)
    r"^\s*snmp-server community {S}",
    r"^\s*snmp-server host \S+ (?:vrf \S+ )?(?:(?:informs|traps) )?(?:version (?:1|2c) )?"
    r"(?!(?:version|vrf|use-vrf|filter-vrf|source-interface|informs|traps)\b){S}",
    r"^\s*snmp-server user \S+ \S+ .*?\bauth (?:md5|sha\S*) (?:encrypted )?{S}",
    r"^\s*snmp-server user \S+ \S+ .*?\bpriv (?:(?:des|3des|aes)\S*(?: (?:128|192|256))? )?"
    r"(?:encrypted )?{S}",
    # TACACS+/RADIUS/LDAP servers and their keys
    r"^\s*(?:tacacs|radius)-server (?:host \S+ (?:\S+ )*?)?key {T}{S}",
    r"^\s*ldap-server host \S+ (?:\S+ )*?password {T}{S}",
    r"^\s*server-private \S+ (?:\S+ )*?key {T}{S}",
    r"\bserver-key {T}{S}",
    # ` key 7 X` in a tacacs/radius server block; ` key 1` (a key chain id) is not a secret
    r"^\s+key {T}(?!\d+$){S}$",
    r"\bkey-string {T}{E}{S}",
    # routing protocols and first-hop redundancy
    r"^\s*(?:ip |ipv6 )?ospf authentication-key {T}{S}",
    r"^\s*authentication-key (?!\d+ type\b){E}{T}{S}",
    r"\bmessage-digest-key \d+ md5 {E}{T}{S}",
    r"\bneighbor \S+ password {T}{E}{S}",
    r"^\s*isis password {S}",
    r"^\s*(?:area|domain)-password {T}{S}",
    r"^\s*(?:lsp|hello)-password (?:(?:hmac-md5|text) )?{E}(?!keychain\b){S}",
    r"^\s*(?:isis )?authentication key {T}{S}",
    r"^\s*(?:standby|glbp) (?:\d+ )?authentication (?:text )?(?!md5\b){S}",
    r"^\s*vrrp \d+ (?:peer )?authentication (?:text )?(?!(?:md5|ietf-md5)\b){S}",
    r"^\s*authentication text {S}",
    r"\bip nhrp authentication {S}",
    # NTP: IOS/NX-OS put the type after the key, EOS before it, XR says `encrypted`
    r"^\s*ntp authentication-key \d+ \S+ {T}{E}{S}",
    # IPsec / IKE
    r"\bcrypto isakmp key {T}{S}",
    r"\bpre-shared-key (?:address \S+ (?:\d+\.\d+\.\d+\.\d+ )?|hostname \S+ )key {T}{S}",
    r"\bpre-shared-key (?:local |remote )?{T}(?!(?:address|hostname|ascii-text|hexadecimal)\b){S}",
    r"\bpre-share key {T}{S}",
    r"^\s*shared-key {T}{S}",
    r"\s-cvauth=key,([^\s,]+)",
]

# Junos statements, each in both forms: `set … WORD VALUE` (a keyword is a whole word, never
# inside a quoted description) and the hierarchy's `WORD VALUE;`.
_J = r'("[^"]*"|[^\s";]+)'
_JUNOS_STATEMENTS = [
    r"(?:encrypted-password|secret|(?:[\w-]+-)?authentication-key|privacy-key|ascii-text"
    r"|hexadecimal) (?!\d+ type ){J}",
    r"authentication md5 \d+ key {J}",
    r"key {J}",
    r"authentication-key \d+ type \S+ value {J}",
]
_JUNOS = [
    *(r'^set (?:[^\s"]+ )*?' + body + "(?= |$)" for body in _JUNOS_STATEMENTS),
    *(r"^\s*" + body + ";" for body in _JUNOS_STATEMENTS),
    r"^set snmp community {J}",
    r"^\s*community {J} \{",
    # Junos marks every secret it prints in the hierarchical form
    r"{J}; ## SECRET-DATA$",
]


def _rules(patterns: list[str]) -> list[re.Pattern[str]]:
    return [
        re.compile(p.replace("{S}", _S).replace("{T}", _T).replace("{E}", _E).replace("{J}", _J))
        for p in patterns
    ]


SECRET_RULES: dict[str, list[re.Pattern[str]]] = {
    **{p: _rules(_CISCO) for p in ("cisco_ios", "cisco_iosxe", "cisco_nxos", "cisco_iosxr")},
    "arista_eos": _rules(_CISCO),
    "juniper_junos": _rules(_JUNOS),
}
# A platform we do not know (compliance text of mixed origin): every rule, since a missed
# secret is worse than a masked word.
_ALL_RULES = _rules(_CISCO) + _rules(_JUNOS)


def _mask_line(rules: list[re.Pattern[str]], line: str) -> str:
    for pattern in rules:
        match = pattern.search(line)
        if match and MASK not in match.group(1):
            start, end = match.span(1)
            line = line[:start] + MASK + line[end:]
    return line


def mask_secrets(platform: str, text: str) -> str:
    """The configuration with passwords, hashes, keys and communities replaced by MASK."""
    rules = SECRET_RULES.get(platform, _ALL_RULES)
    return "\n".join(_mask_line(rules, line) for line in text.split("\n"))
