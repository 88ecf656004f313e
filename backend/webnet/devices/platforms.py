"""The fixed list of device platforms webnet drives, with their vendor names."""

from django.db.models import TextChoices


class Platform(TextChoices):
    CISCO_IOS = "cisco_ios", "Cisco IOS"
    CISCO_IOSXE = "cisco_iosxe", "Cisco IOS-XE"
    CISCO_NXOS = "cisco_nxos", "Cisco NX-OS"
    CISCO_IOSXR = "cisco_iosxr", "Cisco IOS-XR"
    ARISTA_EOS = "arista_eos", "Arista EOS"
    JUNIPER_JUNOS = "juniper_junos", "Juniper Junos"


# What `commands.run` may send, per platform: every line must start with one of `verbs` and may
# pipe only through `filters`. "sh(ow)" accepts "sh", "sho" and "show" (the device expands an
# abbreviation or refuses it as ambiguous). Filters that write (`| save`, `| redirect`, `| tee`,
# `| append`, XR `| file`, NX-OS `| email`) are absent on purpose; `>` redirection is refused
# everywhere.
_CISCO_FILTERS = ("i(nclude)", "exc(lude)", "beg(in)", "sec(tion)", "cou(nt)")
READ_ONLY_CLI: dict[str, dict[str, tuple[str, ...]]] = {
    Platform.CISCO_IOS: {"verbs": ("sh(ow)", "ping", "trace(route)"), "filters": _CISCO_FILTERS},
    Platform.CISCO_IOSXE: {
        "verbs": ("sh(ow)", "ping", "trace(route)"),
        "filters": _CISCO_FILTERS,
    },
    Platform.CISCO_NXOS: {
        "verbs": ("sh(ow)", "ping", "ping6", "trace(route)", "traceroute6"),
        "filters": (
            *_CISCO_FILTERS,
            "grep",
            "egrep",
            "head",
            "last",
            "json",
            "xml",
            "no-more",
            "wc",
            "sort",
            "uniq",
        ),
    },
    Platform.CISCO_IOSXR: {
        "verbs": ("sh(ow)", "ping", "trace(route)"),
        "filters": ("inc(lude)", "exc(lude)", "beg(in)", "cou(nt)"),
    },
    Platform.ARISTA_EOS: {
        "verbs": ("sh(ow)", "ping", "trace(route)"),
        "filters": (*_CISCO_FILTERS, "json", "no-more", "nz"),
    },
    Platform.JUNIPER_JUNOS: {
        "verbs": ("sh(ow)", "ping", "trace(route)"),
        "filters": (
            "m(atch)",
            "exce(pt)",
            "cou(nt)",
            "fin(d)",
            "la(st)",
            "no-more",
            "di(splay)",
            "tri(m)",
            "res(olve)",
            "com(pare)",
        ),
    },
}
