"""Vendor personalities: prompts, modes, commands and configuration behaviour per OS."""

from __future__ import annotations

from .base import Personality
from .eos import EOS
from .ios import IOS, IOSXE
from .iosxr import IOSXR
from .junos import Junos
from .nxos import NXOS

PERSONALITIES: dict[str, type[Personality]] = {
    "cisco_ios": IOS,
    "cisco_iosxe": IOSXE,
    "cisco_nxos": NXOS,
    "arista_eos": EOS,
    "cisco_iosxr": IOSXR,
    "juniper_junos": Junos,
}


def personality_for(platform: str) -> type[Personality]:
    return PERSONALITIES[platform]
