"""The front door of notifications for people: sinks, rules, templates, tests, retries, inbox.

Every write is audited (core.changes); a sink's secret is encrypted on the way in and never
comes back out. A test sends a sample message through the sink's real template and transport.
"""

import uuid
from datetime import timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.utils import timezone

from webnet.core import access, audit, changes, crypto
from webnet.notifications import egress, inbox, outbox, signing, templates, transports, wake
from webnet.notifications.models import (
    Delivery,
    DeliveryStatus,
    InboxItem,
    NotificationTemplate,
    OutboxMessage,
    RoutingRule,
    Sink,
    SinkKind,
)
from webnet.notifications.transports import Envelope, Outcome

CHAT = (SinkKind.SLACK, SinkKind.TEAMS, SinkKind.MATTERMOST)


def _require(actor: Any, resource: str, action: str, customer_id: int) -> None:
    if not access.can(actor, resource, action, customer_id):
        raise PermissionDenied(f"You may not {action} this {resource}.")


def _refused(url: str) -> str:
    """Why webhooks may not go to `url` (SSRF guard), or "" when they may."""
    try:
        egress.check_url(url)
    except egress.Blocked as exc:
        return str(exc)
    return ""


def _clean_sink(sink: Sink | None, data: dict[str, Any]) -> dict[str, Any]:
    """Kind-specific checks; `secret` (plain) becomes `secret_encrypted`. Field-level errors."""
    kind = data.get("kind", sink.kind if sink else "")
    secret = data.pop("secret", None)
    has_secret = bool(secret) or (secret is None and sink is not None and sink.has_secret)
    errors: dict[str, str] = {}
    if kind == SinkKind.EMAIL:
        recipients = data.get("recipients", sink.recipients if sink else [])
        if not recipients:
            errors["recipients"] = "An email sink needs at least one address."
        for address in recipients:
            try:
                validate_email(address)
            except ValidationError:
                errors["recipients"] = f"{address!r} is not an email address."
    elif kind == SinkKind.WEBHOOK:
        url = data.get("url", sink.url if sink else "")
        if not url:
            errors["url"] = "A webhook sink needs its URL."
        elif reason := _refused(url):
            errors["url"] = reason
        if secret:
            try:
                signing.secret_bytes(secret)
            except ValueError as exc:
                errors["secret"] = str(exc)
        elif not has_secret:
            secret = signing.new_secret()
    elif kind in CHAT:
        if secret:
            try:
                URLValidator(schemes=["http", "https"])(secret)
                reason = _refused(secret)
            except ValidationError:
                reason = "The incoming-webhook URL is not a valid http(s) URL."
            if reason:
                errors["secret"] = reason
        elif not has_secret:
            errors["secret"] = "Paste the service's incoming-webhook URL here."
    if errors:
        raise ValidationError(errors)
    if secret is not None:
        data["secret_encrypted"] = crypto.encrypt(secret)
    return data


def create_sink(actor: Any, data: dict[str, Any]) -> Sink:
    return changes.create(actor, Sink, _clean_sink(None, dict(data)))


def update_sink(actor: Any, sink: Sink, data: dict[str, Any]) -> Sink:
    """A `secret` absent from `data` keeps the stored one."""
    return changes.update(actor, sink, _clean_sink(sink, dict(data)))


def create_rule(actor: Any, data: dict[str, Any]) -> RoutingRule:
    return changes.create(actor, RoutingRule, data)


def update_rule(actor: Any, rule: RoutingRule, data: dict[str, Any]) -> RoutingRule:
    return changes.update(actor, rule, data)


def sample_message(customer_id: int, topic: str = "alarm") -> OutboxMessage:
    """An unsaved message for previews and tests (never stored, never routed)."""
    return OutboxMessage(
        customer_id=customer_id,
        uuid=uuid.uuid4(),
        topic=topic,
        key="test",
        state="firing",
        severity="warning",
        title="Test notification from webnet",
        payload={"note": "sent by the test button"},
        created_at=timezone.now(),
    )


def preview(
    actor: Any, customer: Any, *, topic: str, channel: str, subject: str, body: str
) -> templates.Rendered:
    """Render a template body against a sample message; TemplateRenderError on a mistake."""
    _require(actor, "notificationtemplate", "preview", customer.pk)
    context = templates.context_of(sample_message(customer.pk, topic), customer.name)
    return templates.render(subject or templates.DEFAULT_SUBJECT, body, context)


def _check_template(data: dict[str, Any]) -> dict[str, Any]:
    for name in ("subject", "body"):
        if data.get(name):
            try:
                templates.check_syntax(data[name])
            except templates.TemplateRenderError as exc:
                raise ValidationError({name: str(exc)}) from exc
    return data


def create_template(actor: Any, data: dict[str, Any]) -> NotificationTemplate:
    return changes.create(actor, NotificationTemplate, _check_template(dict(data)))


def update_template(
    actor: Any, template: NotificationTemplate, data: dict[str, Any]
) -> NotificationTemplate:
    return changes.update(actor, template, _check_template(dict(data)))


def test_sink(actor: Any, sink: Sink) -> Outcome:
    """Send a sample through the sink's real template and transport, now; audited."""
    _require(actor, "sink", "test", sink.customer_id)
    message = sample_message(sink.customer_id)
    subject, body = templates.wording(sink.customer_id, message.topic, sink.kind)
    try:
        rendered = templates.render(
            subject, body, templates.context_of(message, sink.customer.name)
        )
    except templates.TemplateRenderError as exc:
        outcome = Outcome(False, None, f"template: {exc}", permanent=True)
    else:
        key = f"test_{message.uuid.hex}"
        envelope = Envelope(
            kind=sink.kind,
            key=key,
            event_type=f"{message.topic}.test",
            data={"id": key, "topic": message.topic, "state": "test", "title": message.title},
            url=sink.url,
            secret=sink.reveal_secret() if sink.kind != SinkKind.EMAIL else "",
            recipients=tuple(sink.recipients),
        )
        outcome = transports.send(envelope, rendered)
    audit.record(
        "test",
        actor=actor,
        customer_id=sink.customer_id,
        obj=sink,
        changes={"result": [None, "delivered" if outcome.ok else outcome.error[:200]]},
    )
    return outcome


def retry_delivery(actor: Any, delivery: Delivery) -> Delivery:
    """A dead letter goes back to the queue with a fresh dead-letter clock."""
    _require(actor, "delivery", "retry", delivery.customer_id)
    if delivery.status != DeliveryStatus.DEAD:
        raise ValidationError({"status": "Only a dead delivery can be retried."})
    now = timezone.now()
    seconds = (
        delivery.sink.dead_letter_seconds if delivery.sink else outbox.PERSONAL_DEAD_LETTER_SECONDS
    )
    with transaction.atomic():
        Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.DEAD).update(
            status=DeliveryStatus.PENDING,
            next_attempt_at=now,
            dead_at_after=now + timedelta(seconds=seconds),
            claim_token=None,
            claimed_until=None,
        )
        audit.record("retry", actor=actor, customer_id=delivery.customer_id, obj=delivery)
        transaction.on_commit(wake.kick)
    delivery.refresh_from_db()
    return delivery


def mark_read(actor: Any, items: Any, read: bool = True) -> int:
    """Only the actor's own items, whatever queryset the edge passes."""
    mine = items.filter(user_id=actor.pk)
    return inbox.mark_read(mine, read)


def my_inbox(actor: Any) -> Any:
    return InboxItem.objects.restrict(actor, "view").filter(user_id=actor.pk)
