"""Inhibit rules applied to a customer's open alarms (grouping.py's Alertmanager semantics).

Run after every batch that may open or close alarms, inside its transaction and its collected()
block: an alarm inhibited in the batch that raised it pages nobody, and one released when its
source clears fires then ("unsuppressed"), like a suppressed child.
"""

from webnet.alarms import grouping
from webnet.alarms.models import OPEN_STATES, Alarm, InhibitRule
from webnet.alarms.notify import on_alarm_change
from webnet.alarms.silences import alarm_labels


def rules_of(customer_id: int) -> list[grouping.InhibitRule]:
    return [
        grouping.InhibitRule(
            tuple(rule.source_matchers), tuple(rule.target_matchers), tuple(rule.equal)
        )
        for rule in InhibitRule.objects.for_customer(customer_id).filter(enabled=True)
    ]


def reapply(customer_id: int) -> None:
    """Set or release `inhibited_by` on the customer's open alarms (one read without rules)."""
    rules = rules_of(customer_id)
    scoped = Alarm.objects.for_customer(customer_id).filter(state__in=OPEN_STATES)
    alarms = list(scoped if rules else scoped.filter(inhibited_by__isnull=False))
    if not alarms:
        return
    muted = grouping.inhibitors([alarm_labels(a) for a in alarms], rules) if rules else {}
    for index, alarm in enumerate(alarms):
        wanted = alarms[muted[index]].pk if index in muted else None
        if wanted == alarm.inhibited_by_id:
            continue
        was = alarm.inhibited_by_id
        alarm.inhibited_by_id = wanted
        alarm.save(update_fields=["inhibited_by"])
        on_alarm_change(alarm, "suppressed" if wanted else "unsuppressed" if was else "updated")
