"""What people do to alarms (acknowledge, clear, shelve), rules (YAML, tester), silences, and
webhook tokens — each checks the actor's role and writes one audit event.

Alarm changes go through notify.on_alarm_change in the same transaction as the change.
"""

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from webnet.alarms import conditions, ingest, inhibition, rule_yaml, webhooks
from webnet.alarms.engine import close
from webnet.alarms.models import (
    OPEN_STATES,
    Alarm,
    AlarmRule,
    AlarmState,
    Event,
    InhibitRule,
    WebhookToken,
)
from webnet.alarms.notify import collected, on_alarm_change
from webnet.alarms.rules import Observed, matches_event
from webnet.core import access, audit, changes, tokens
from webnet.customers.models import Customer
from webnet.devices.models import Device

TESTER_SCAN = 5000


def _audit(actor: Any, action: str, alarm: Alarm, **details: Any) -> None:
    audit.record(action, actor=actor, customer_id=alarm.customer_id, obj=alarm, changes=details)


@transaction.atomic
def acknowledge(actor: Any, alarms: list[Alarm], comment: str = "") -> list[Alarm]:
    """Acknowledge open alarms (already acknowledged ones keep their first acknowledgement)."""
    done = []
    with collected():
        for alarm in alarms:
            access.require(actor, "alarm", "acknowledge", alarm.customer_id)
            if alarm.state != AlarmState.ACTIVE:
                continue
            alarm.state = AlarmState.ACKNOWLEDGED
            alarm.acknowledged_by = actor
            alarm.acknowledged_at = timezone.now()
            alarm.ack_comment = comment
            alarm.save(update_fields=["state", "acknowledged_by", "acknowledged_at", "ack_comment"])
            _audit(actor, "alarm.acknowledge", alarm, comment=comment)
            on_alarm_change(alarm, "acknowledged")
            done.append(alarm)
    return done


@transaction.atomic
def clear_by_hand(actor: Any, alarm: Alarm, comment: str = "") -> Alarm:
    access.require(actor, "alarm", "clear", alarm.customer_id)
    if alarm.state in OPEN_STATES:
        close(alarm, timezone.now(), "manual")
        alarm.cleared_by = actor
        alarm.ack_comment = comment or alarm.ack_comment
        alarm.save(
            update_fields=["state", "cleared_at", "clear_reason", "auto_clear_at", "cleared_by"]
        )
        _audit(actor, "alarm.clear", alarm, comment=comment)
        with collected():
            on_alarm_change(alarm, "cleared")
            inhibition.reapply(alarm.customer_id)  # its targets fire now
    return alarm


@transaction.atomic
def shelve(actor: Any, alarm: Alarm, until: datetime | None) -> Alarm:
    """Shelve until a time (shown, never sent, until then); None unshelves."""
    access.require(actor, "alarm", "shelve", alarm.customer_id)
    alarm.shelved_until = until
    alarm.save(update_fields=["shelved_until"])
    _audit(actor, "alarm.shelve", alarm, until=until.isoformat() if until else None)
    on_alarm_change(alarm, "shelved" if until else "unshelved")
    return alarm


def rule_data(rule: AlarmRule) -> dict[str, Any]:
    return {key: getattr(rule, key) for key in ["name", "kind", "condition", *rule_yaml.DEFAULTS]}


@transaction.atomic
def import_rules(actor: Any, customer: Customer, text: str) -> list[AlarmRule]:
    """Create or replace (by name) the customer's alarm and inhibit rules from YAML;
    RuleYAMLError if invalid. Returns the alarm rules saved."""
    rules, inhibits = rule_yaml.load(text)
    saved = _upsert(actor, customer, AlarmRule, "alarmrule", rules)
    _upsert(actor, customer, InhibitRule, "inhibitrule", inhibits)
    return saved


def _upsert(actor: Any, customer: Customer, model: Any, resource: str, rows: list) -> list:
    existing = {r.name: r for r in model.objects.for_customer(customer.pk)}
    for action in {"change" if row["name"] in existing else "add" for row in rows}:
        access.require(actor, resource, action, customer.pk)
    saved = []
    for row in rows:
        if row["name"] in existing:
            saved.append(changes.update(actor, existing[row["name"]], row))
        else:
            saved.append(changes.create(actor, model, {**row, "customer": customer}))
    return saved


def export_rules(customer_id: int) -> str:
    keys = [*rule_yaml.INHIBIT_KEYS]
    inhibits = InhibitRule.objects.for_customer(customer_id).order_by("name").values(*keys)
    return rule_yaml.dump(
        [rule_data(r) for r in AlarmRule.objects.for_customer(customer_id).order_by("name")],
        list(inhibits),
    )


def observed(event: Event) -> Observed:
    return Observed(
        source=event.source,
        message=event.message,
        trap_oid=str(event.data.get("trap_oid", "")),
        varbinds={str(k): str(v) for k, v in event.data.get("varbinds", {}).items()},
    )


def test_rule(customer_id: int, kind: str, spec: dict[str, Any], limit: int) -> list[Event]:
    """Stored events (newest first, among the last TESTER_SCAN) that the rule would match."""
    events = Event.objects.for_customer(customer_id).order_by("-time", "-id")[:TESTER_SCAN]
    found = []
    for event in events:
        if kind == "event":
            hit = matches_event(spec, observed(event))
        else:
            state = event.data.get("state")
            hit = event.source == "poll" and state in (spec["state"], spec.get("clear_state"))
        if hit:
            found.append(event)
            if len(found) >= limit:
                break
    return found


def token_customer(raw: str) -> WebhookToken | None:
    """The live token with this secret, or None (unknown or revoked: the caller answers 401)."""
    return tokens.live(WebhookToken, raw)


def receive_webhook(token: WebhookToken, body: Any) -> list[Event]:
    """Store an inbound webhook's events for the token's customer (WebhookError if malformed)."""
    items = webhooks.parse(body)
    hostnames = {item["device"] for item in items if item["device"]}
    devices = dict(
        Device.objects.for_customer(token.customer_id)
        .filter(hostname__in=hostnames)
        .values_list("hostname", "pk")
    )
    events = [
        ingest.EventIn(
            token.customer_id,
            "webhook",
            device_id=devices.get(item["device"]),
            condition=item["condition"],
            action=item["action"],
            severity=item["severity"],
            message=item["message"],
            resource=item["resource"]
            or conditions.resource_of(devices.get(item["device"]), None, "", ""),
            labels=item["labels"],
            data={**item["data"], "labels": item["labels"], "token": token.prefix},
        )
        for item in items
    ]
    tokens.mark_used(token)
    return ingest.record_events(events)
