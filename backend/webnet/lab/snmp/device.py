"""One device's SNMP view of its simulated state: interface rows that follow the running config,
stable ifIndexes, counters folded at every oper-status change, reboots, and the link/config/boot
events its traps and syslog lines are made from."""

from __future__ import annotations

import time
from dataclasses import dataclass

from ..devicestate import DeviceRuntime
from ..ifview import IfView, cisco_interfaces
from ..render import junos
from . import mib


@dataclass(frozen=True)
class LinkEvent:
    """An admin or oper status change; `oper_changed` says whether linkUp/linkDown is due."""

    row: mib.IfRow
    oper_changed: bool


@dataclass(frozen=True)
class ConfigEvent:
    user: str


@dataclass(frozen=True)
class BootEvent:
    pass


Event = LinkEvent | ConfigEvent | BootEvent


def interface_views(rt: DeviceRuntime) -> list[IfView]:
    """The interfaces `show interfaces` prints, in config order."""
    platform = rt.spec.platform
    if platform != "juniper_junos":
        return cisco_interfaces(
            rt, addr_key="ipv4 address" if platform == "cisco_iosxr" else "ip address"
        )
    views = []
    for j in junos.interfaces(rt):
        spec = rt.spec.interface(j.name)
        views.append(
            IfView(
                name=j.name,
                description=j.description,
                ip=j.addresses[0] if j.addresses else None,
                admin_up=j.enabled,
                oper_up=j.link,
                mac=j.mac,
                speed_mbps=j.speed_mbps,
                mtu=spec.mtu + 14 if spec else 1514,
                physical=spec is not None,
            )
        )
    return views


class SnmpDevice:
    """The agent's per-device state; `refresh(now)` brings it up to date and returns events."""

    def __init__(self, rt: DeviceRuntime) -> None:
        self.rt = rt
        self.ifindex: dict[str, int] = {}
        self.rows: dict[str, mib.IfRow] = {}
        self.engine_boots = 1
        self.boot_seen = rt.boot_time
        self.stamp: tuple = ()
        self.wrapped = False
        self.state = self._rebuild(time.time(), [])

    @property
    def first_index(self) -> int:
        return 501 if self.rt.spec.platform == "juniper_junos" else 1

    def refresh(self, now: float) -> list[Event]:
        rt = self.rt
        events: list[Event] = []
        period = rt.spec.faults.reboot_s
        if period and now - rt.boot_time >= period:
            rt.reboot()
        if rt.boot_time != self.boot_seen:
            self.boot_seen = rt.boot_time
            self.engine_boots += 1
            for row in self.rows.values():
                row.acc = [0.0] * mib.SLOTS
                row.since = row.last_change = rt.boot_time
            self.wrapped = False
            self.stamp = ()  # cached values (ifLastChange...) are relative to the boot
            events.append(BootEvent())
        stamp = (rt.last_change, rt.hostname, id(rt.running))
        if stamp != self.stamp:
            self.state = self._rebuild(now, events)
        lead = rt.spec.faults.counter_wrap_s
        if lead and not self.wrapped:
            self._near_wrap(now, lead)
        elif not lead and self.wrapped:
            self.wrapped = False
            for row in self.rows.values():
                row.offsets = [0] * mib.SLOTS
        self.state.now = now
        return events

    def _near_wrap(self, now: float, lead: float) -> None:
        self.wrapped = True
        for row in self.rows.values():
            row.offsets = [
                (1 << 64) - int(row.counter(slot, now)) - int(row.rates[slot] * lead)
                for slot in range(mib.SLOTS)
            ]

    def _rebuild(self, now: float, events: list[Event]) -> mib.MibState:
        rt = self.rt
        self.stamp = (rt.last_change, rt.hostname, id(rt.running))
        rows: list[mib.IfRow] = []
        for view in interface_views(rt):
            if view.name not in self.ifindex:
                self.ifindex[view.name] = self.first_index + len(self.ifindex)
            row = self.rows.get(view.name)
            if row is None:
                row = mib.IfRow(
                    index=self.ifindex[view.name],
                    view=view,
                    ifname=mib.ifname_of(rt.spec, view.name),
                    if_type=mib.if_type(view.name, view.physical),
                    rates=mib.rates(rt.spec.hostname, view),
                    since=rt.boot_time,
                    last_change=rt.boot_time,
                )
                self.rows[view.name] = row
            elif row.view.oper_up != view.oper_up or row.view.admin_up != view.admin_up:
                row.fold(now)
                oper_changed = row.view.oper_up != view.oper_up
                if oper_changed:
                    row.last_change = now
                row.view = view
                events.append(LinkEvent(row, oper_changed))
            row.view = view
            rows.append(row)
        rows.sort(key=lambda r: r.index)
        return mib.MibState(
            platform=rt.spec.platform,
            hostname=rt.hostname,
            sys_descr=mib.descr_of(rt.spec),
            location=rt.spec.site,
            boot_time=rt.boot_time,
            rows=rows,
            layout=mib.layout_for(tuple(r.index for r in rows)),
            now=now,
        )
