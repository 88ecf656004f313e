"""One link, one alarm: a syslog line names an interface, a trap or a poll gives its ifIndex.

Names are resolved to the ifIndex through the monitoring Interface table (ifName and ifDescr as
polled), so `%LINK-3-UPDOWN ... GigabitEthernet0/1 ... down` and a linkUp trap for ifIndex 1 land
on one dedup key and clear each other. Vendors abbreviate in one place and not the other
("Gi0/1" vs "GigabitEthernet0/1"): a name matches when its letters start the other's and the
numbering is equal — only if exactly one interface of the device matches. An unknown name keeps
the name-keyed resource (nothing polled yet).
"""

import re
from collections import defaultdict
from collections.abc import Iterable

from webnet.monitoring.models import Interface

_SPLIT = re.compile(r"^([a-z_-]*)\s*(.*)$")


def _parts(name: str) -> tuple[str, str]:
    match = _SPLIT.match(name.strip().lower())
    assert match is not None  # the pattern matches every string
    return match[1], match[2].replace(" ", "")


def same_interface(said: str, known: str) -> bool:
    """`Gi0/1` ~ `GigabitEthernet0/1`; `Ethernet1` ~ `Et1`; never `Gi0/1` ~ `Gi0/10`."""
    (a_word, a_num), (b_word, b_num) = _parts(said), _parts(known)
    if not a_num or a_num != b_num:
        return said.strip().lower() == known.strip().lower()
    short, long = sorted((a_word, b_word), key=len)
    return bool(short) and long.startswith(short)


def resolve(pairs: Iterable[tuple[int, str]], customer_id: int) -> dict[tuple[int, str], int]:
    """{(device id, interface name): ifIndex} for the names that name one polled interface."""
    wanted = set(pairs)
    if not wanted:
        return {}
    rows: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
    polled = Interface.objects.for_customer(customer_id).filter(
        device_id__in={device for device, _ in wanted}
    )
    for device, index, name, descr in polled.values_list("device_id", "if_index", "name", "descr"):
        rows[device].append((index, name, descr))
    found = {}
    for device, said in wanted:
        exact = {
            i for i, name, descr in rows[device] if said.lower() in (name.lower(), descr.lower())
        }
        close = exact or {
            i
            for i, name, descr in rows[device]
            if any(same_interface(said, n) for n in (name, descr) if n)
        }
        if len(close) == 1:
            found[(device, said)] = close.pop()
    return found
