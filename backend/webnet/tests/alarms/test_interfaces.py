"""One link, one alarm: syslog (interface by name) and traps (by ifIndex) share a dedup key."""

import pytest

from webnet.alarms import conditions, ingest
from webnet.alarms.ingest import EventIn
from webnet.alarms.interfaces import same_interface
from webnet.alarms.models import Alarm
from webnet.tests import factories as f


def test_abbreviated_and_full_names_match_only_with_equal_numbering() -> None:
    assert same_interface("GigabitEthernet0/1", "Gi0/1")
    assert same_interface("Et1", "Ethernet1")
    assert same_interface("xe-0/0/1", "xe-0/0/1")
    assert not same_interface("Gi0/1", "Gi0/10")
    assert not same_interface("Gi0/1", "Te0/1")
    assert not same_interface("0/1", "Gi0/1")


def _syslog(device, state: str, name: str) -> EventIn:
    line = f"%LINK-3-UPDOWN: Interface {name}, changed state to {state}"
    return EventIn(device.customer_id, "syslog", device_id=device.pk, message=line)


def _trap(device, oid: str, index: int) -> EventIn:
    varbinds = {f"{conditions.IF_INDEX}.{index}": str(index)}
    return EventIn(
        device.customer_id,
        "trap",
        device_id=device.pk,
        data={"trap_oid": oid, "varbinds": varbinds},
    )


@pytest.mark.django_db
def test_a_syslog_down_and_a_link_up_trap_are_one_alarm_and_clear_each_other() -> None:
    device = f.DeviceFactory()
    f.InterfaceFactory(device=device, if_index=3, name="Gi0/3", descr="GigabitEthernet0/3")
    f.InterfaceFactory(device=device, if_index=30, name="Gi0/30", descr="GigabitEthernet0/30")
    ingest.record_event(_syslog(device, "down", "GigabitEthernet0/3"))
    alarm = Alarm.objects.get()
    assert (alarm.resource, alarm.if_index) == (f"device:{device.pk}/ifIndex:3", 3)
    ingest.record_event(_trap(device, conditions.LINK_UP, 3))
    alarm.refresh_from_db()
    assert alarm.state == "cleared"
    # and the other way round: a linkDown trap cleared by the syslog line's "up"
    ingest.record_event(_trap(device, conditions.LINK_DOWN, 30))
    ingest.record_events([_syslog(device, "up", "Gi0/30")])
    assert list(Alarm.objects.filter(if_index=30).values_list("state", "occurrences")) == [
        ("cleared", 1)
    ]
    # a name nothing polled knows keeps its own, name-keyed alarm
    ingest.record_event(_syslog(device, "down", "Gi9/9"))
    assert Alarm.objects.get(state="active").resource == f"device:{device.pk}/if:Gi9/9"
