"""record_events → alarms: dedup by condition (never by transition), occurrence counts, rules,
flap damping, auto-clear, silences, suppression and the broadcast of every change."""

from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.utils import timezone

from webnet.alarms import conditions, ingest
from webnet.alarms.ingest import EventIn
from webnet.alarms.models import Alarm, AlarmState, Event
from webnet.alarms.notify import notifiable
from webnet.core import broadcasts
from webnet.tests import factories as f

pytestmark = pytest.mark.django_db


def trap(device, oid: str, if_index: int = 3, **extra: str) -> EventIn:
    varbinds = {f"{conditions.IF_INDEX}.{if_index}": str(if_index), **extra}
    return EventIn(
        device.customer_id,
        "trap",
        device_id=device.pk,
        data={"trap_oid": oid, "varbinds": varbinds},
    )


def syslog(device, text: str) -> EventIn:
    return EventIn(device.customer_id, "syslog", device_id=device.pk, message=text)


def poll(device, condition: str, action: str, state: str = "") -> EventIn:
    data = {"state": state} if state else {}
    return EventIn(
        device.customer_id,
        "poll",
        device_id=device.pk,
        condition=condition,
        action=action,
        data=data,
    )


def test_link_down_traps_make_one_alarm_with_a_count_and_link_up_clears_it() -> None:
    device = f.DeviceFactory()
    ingest.record_events([trap(device, conditions.LINK_DOWN) for _ in range(3)])
    alarm = Alarm.objects.get()
    assert (alarm.condition, alarm.if_index, alarm.occurrences) == ("interface.down", 3, 3)
    assert alarm.state == AlarmState.ACTIVE and alarm.severity == "major"

    ingest.record_event(trap(device, conditions.LINK_UP))
    alarm.refresh_from_db()
    assert alarm.state == AlarmState.CLEARED and alarm.clear_reason == "event"
    assert Event.objects.filter(alarm=alarm).count() == 4

    ingest.record_event(trap(device, conditions.LINK_DOWN))
    assert Alarm.objects.filter(state=AlarmState.ACTIVE).count() == 1
    assert Alarm.objects.count() == 2  # the cleared one stays as history


def test_a_link_down_trap_of_a_port_shut_on_purpose_clears_instead_of_raising() -> None:
    # given a port that went down by itself (an active alarm)
    device = f.DeviceFactory()
    ingest.record_event(trap(device, conditions.LINK_DOWN))
    # when the operator shuts it: linkDown with ifAdminStatus down (2)
    admin_down = {f"{conditions.IF_ADMIN_STATUS}.3": "2"}
    ingest.record_event(trap(device, conditions.LINK_DOWN, **admin_down))
    # then the fault is over: nothing is open for that port
    assert not Alarm.objects.filter(state=AlarmState.ACTIVE).exists()


def test_syslog_updown_lines_share_the_condition_per_interface() -> None:
    device = f.DeviceFactory()
    down = "%LINK-3-UPDOWN: Interface GigabitEthernet0/1, changed state to down"
    up = "%LINK-3-UPDOWN: Interface GigabitEthernet0/1, changed state to up"
    ingest.record_events([syslog(device, down), syslog(device, down)])
    alarm = Alarm.objects.get()
    assert alarm.resource == f"device:{device.pk}/if:GigabitEthernet0/1"
    assert alarm.occurrences == 2
    ingest.record_event(syslog(device, up))
    alarm.refresh_from_db()
    assert alarm.state == AlarmState.CLEARED


def test_down_and_up_in_one_batch_leave_the_alarm_cleared_in_time_order() -> None:
    device = f.DeviceFactory()
    now = timezone.now()
    up = trap(device, conditions.LINK_UP)
    up.time = now
    down = trap(device, conditions.LINK_DOWN)
    down.time = now - timedelta(seconds=1)
    ingest.record_events([up, down])  # received out of order
    assert Alarm.objects.get().state == AlarmState.CLEARED


def test_config_change_lines_are_recorded_without_an_alarm() -> None:
    device = f.DeviceFactory()
    event = ingest.record_event(syslog(device, "%SYS-5-CONFIG_I: Configured from console by admin"))
    assert event.condition == "config.changed" and event.alarm_id is None
    assert not Alarm.objects.exists()


def test_an_event_rule_matches_trap_oid_and_varbinds() -> None:
    device = f.DeviceFactory()
    f.AlarmRuleFactory(
        customer=device.customer,
        spec={
            "source": "trap",
            "trap_oid": "1.3.6.1.2.1.15.7.2",
            "varbinds": [{"oid": "1.3.6.1.2.1.15.3.1.2", "equals": "1"}],
        },
    )
    other = f.AlarmRuleFactory(customer=f.CustomerFactory())  # another customer's rule
    established = EventIn(
        device.customer_id,
        "trap",
        device_id=device.pk,
        data={"trap_oid": "1.3.6.1.2.1.15.7.2", "varbinds": {"1.3.6.1.2.1.15.3.1.2.10.0.0.1": "6"}},
    )
    idle = EventIn(
        device.customer_id,
        "trap",
        device_id=device.pk,
        data={"trap_oid": "1.3.6.1.2.1.15.7.2", "varbinds": {"1.3.6.1.2.1.15.3.1.2.10.0.0.1": "1"}},
    )
    ingest.record_events([established])
    assert not Alarm.objects.exists()
    ingest.record_events([idle])
    alarm = Alarm.objects.get()
    assert (alarm.condition, alarm.severity, alarm.rule.customer_id) == (
        "bgp.down",
        "critical",
        device.customer_id,
    )
    assert other.alarms.count() == 0


def test_a_syslog_regex_rule_raises_and_a_second_rule_clears() -> None:
    device = f.DeviceFactory()
    customer = device.customer
    spec = {"source": "syslog", "message_regex": r"BGP-5-ADJCHANGE: neighbor \S+ Down"}
    f.AlarmRuleFactory(customer=customer, name="a-bgp-down", spec=spec)
    f.AlarmRuleFactory(
        customer=customer,
        name="b-bgp-up",
        spec={
            "source": "syslog",
            "message_regex": r"BGP-5-ADJCHANGE: neighbor \S+ Up",
            "action": "clear",
        },
    )
    ingest.record_event(syslog(device, "%BGP-5-ADJCHANGE: neighbor 10.0.0.2 Down BGP Notification"))
    assert Alarm.objects.get().state == AlarmState.ACTIVE
    ingest.record_event(syslog(device, "%BGP-5-ADJCHANGE: neighbor 10.0.0.2 Up"))
    assert Alarm.objects.get().state == AlarmState.CLEARED


def test_a_state_rule_raises_on_its_state_and_clears_on_the_other() -> None:
    device = f.DeviceFactory()
    f.AlarmRuleFactory(
        customer=device.customer,
        kind="state",
        condition="psu.failed",
        spec={"state": "failed", "clear_state": "ok"},
    )
    ingest.record_event(poll(device, "", "", state="failed"))
    assert Alarm.objects.get().condition == "psu.failed"
    ingest.record_event(poll(device, "", "", state="ok"))
    assert Alarm.objects.get().state == AlarmState.CLEARED


def test_flap_damping_reopens_one_alarm_and_holds_it_until_quiet() -> None:
    device = f.DeviceFactory()
    f.AlarmRuleFactory(
        customer=device.customer,
        condition="interface.down",
        severity="major",
        spec={"source": "trap", "trap_oid": conditions.LINK_DOWN},
        flap_count=3,
        flap_window_seconds=600,
    )
    for _ in range(3):
        ingest.record_event(trap(device, conditions.LINK_DOWN))
        ingest.record_event(trap(device, conditions.LINK_UP))
    alarm = Alarm.objects.get()
    assert alarm.flapping and alarm.occurrences == 3
    assert alarm.state == AlarmState.ACTIVE and not notifiable(alarm)
    result = ingest.tick(timezone.now() + timedelta(seconds=601))
    alarm.refresh_from_db()
    assert result["auto_cleared"] == 1
    assert alarm.state == AlarmState.CLEARED and alarm.clear_reason == "auto"


def test_rule_auto_clear_clears_after_its_time() -> None:
    device = f.DeviceFactory()
    f.AlarmRuleFactory(customer=device.customer, auto_clear_seconds=60)
    ingest.record_event(
        EventIn(
            device.customer_id, "trap", device_id=device.pk, data={"trap_oid": "1.3.6.1.2.1.15.7.2"}
        )
    )
    assert ingest.tick(timezone.now() + timedelta(seconds=30))["auto_cleared"] == 0
    assert ingest.tick(timezone.now() + timedelta(seconds=61))["auto_cleared"] == 1


def test_events_older_than_the_retention_are_pruned(settings) -> None:
    device = f.DeviceFactory()
    old = syslog(device, "something old")
    old.time = timezone.now() - timedelta(days=settings.WEBNET_EVENT_RETENTION_DAYS + 1)
    ingest.record_events([old, syslog(device, "something new")])
    assert ingest.tick()["pruned"] == 1
    assert Event.objects.get().message == "something new"


def test_a_silenced_alarm_is_stored_but_not_notifiable() -> None:
    device = f.DeviceFactory()
    silence = f.SilenceFactory(
        customer=device.customer,
        matchers=[{"name": "condition", "value": "interface\\..*", "regex": True}],
    )
    ingest.record_event(trap(device, conditions.LINK_DOWN))
    alarm = Alarm.objects.get()
    assert alarm.silenced_by == silence and not notifiable(alarm)


def test_every_change_is_broadcast_to_the_customer_group_after_commit() -> None:
    device = f.DeviceFactory()
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(broadcasts.customer_group(device.customer_id), channel)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("django.db.transaction.on_commit", lambda fn, **kw: fn())
        ingest.record_event(trap(device, conditions.LINK_DOWN))
    message = async_to_sync(layer.receive)(channel)
    assert message["type"] == "alarm.change" and message["change"] == "raised"
    assert message["alarm"]["condition"] == "interface.down" and message["alarm"]["notifiable"]


def test_a_down_child_is_suppressed_by_its_parents_alarm_and_rechecked_after() -> None:
    core, child = f.DeviceFactory(), None
    child = f.DeviceFactory(customer=core.customer)
    parents = {child.pk: {core.pk}}
    ingest.record_events(
        [poll(core, "device.down", "raise"), poll(child, "device.down", "raise")],
        parents_of=lambda customer_id: parents,
    )
    root = Alarm.objects.get(device=core)
    suppressed = Alarm.objects.get(device=child)
    assert root.suppressed_by is None and notifiable(root)
    assert suppressed.suppressed_by == root and not notifiable(suppressed)

    ingest.record_event(poll(core, "device.down", "clear"), parents_of=lambda c: parents)
    suppressed.refresh_from_db()
    assert suppressed.suppressed_by is None and suppressed.awaiting_recheck
    assert not notifiable(suppressed)  # nothing is sent before the child is polled again

    ingest.record_event(poll(child, "device.down", "raise"), parents_of=lambda c: parents)
    suppressed.refresh_from_db()
    assert not suppressed.awaiting_recheck and notifiable(suppressed)


def test_threshold_rules_raise_and_clear_on_state_changes_only() -> None:
    device = f.DeviceFactory()
    f.AlarmRuleFactory(
        customer=device.customer,
        kind="threshold",
        condition="cpu.high",
        severity="minor",
        spec={"metric": "cpu.util", "operator": ">=", "value": 90, "consecutive": 2},
    )
    now = timezone.now()
    high = [(now - timedelta(minutes=2), 95.0), (now - timedelta(minutes=1), 97.0)]
    assert ingest.check_threshold(device.customer_id, device.pk, "mem.util", high) == []
    assert len(ingest.check_threshold(device.customer_id, device.pk, "cpu.util", high)) == 1
    alarm = Alarm.objects.get()
    assert (alarm.condition, alarm.severity, alarm.state) == ("cpu.high", "minor", "active")
    assert ingest.check_threshold(device.customer_id, device.pk, "cpu.util", high) == []
    low = [*high, (now, 20.0)]
    assert len(ingest.check_threshold(device.customer_id, device.pk, "cpu.util", low)) == 1
    alarm.refresh_from_db()
    assert alarm.state == AlarmState.CLEARED
