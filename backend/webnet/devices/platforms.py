"""The fixed list of device platforms webnet drives, with their vendor names."""

from django.db.models import TextChoices


class Platform(TextChoices):
    CISCO_IOS = "cisco_ios", "Cisco IOS"
    CISCO_IOSXE = "cisco_iosxe", "Cisco IOS-XE"
    CISCO_NXOS = "cisco_nxos", "Cisco NX-OS"
    CISCO_IOSXR = "cisco_iosxr", "Cisco IOS-XR"
    ARISTA_EOS = "arista_eos", "Arista EOS"
    JUNIPER_JUNOS = "juniper_junos", "Juniper Junos"


VENDOR_OF = {
    Platform.CISCO_IOS: "Cisco",
    Platform.CISCO_IOSXE: "Cisco",
    Platform.CISCO_NXOS: "Cisco",
    Platform.CISCO_IOSXR: "Cisco",
    Platform.ARISTA_EOS: "Arista",
    Platform.JUNIPER_JUNOS: "Juniper",
}
