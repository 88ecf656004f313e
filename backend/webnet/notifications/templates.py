"""Message wording: a customer's template per topic and channel, else the built-in default,
rendered in the golden-config sandbox and its worker pool (templates are tenant code)."""

from dataclasses import dataclass
from typing import Any

from webnet.config_mgmt.render import TemplateRenderError, check_syntax, render_text
from webnet.notifications.models import NotificationTemplate, OutboxMessage

__all__ = ["Rendered", "TemplateRenderError", "check_syntax", "context_of", "render", "wording"]

DEFAULT_SUBJECT = "[{{ severity|upper }}] {{ state }}: {{ title }}"
DEFAULT_BODY = (
    "{{ title }}\n"
    "State: {{ state }} · severity: {{ severity }} · {{ topic }} {{ key }}\n"
    "{% for name, value in payload|dictsort %}{{ name }}: {{ value }}\n{% endfor %}"
)
CHAT_BODY = "*[{{ severity|upper }}] {{ state }}*: {{ title }}"


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str


def context_of(message: OutboxMessage, customer_name: str) -> dict[str, Any]:
    """Plain data only: nothing reachable from it can touch the database."""
    return {
        "topic": message.topic,
        "key": message.key,
        "state": message.state,
        "severity": message.severity,
        "title": message.title,
        "payload": message.payload,
        "device_id": message.device_id,
        "location_id": message.location_id,
        "customer": customer_name,
        "at": message.created_at.isoformat() if message.created_at else "",
    }


def wording(customer_id: int, topic: str, channel: str) -> tuple[str, str]:
    """(subject, body) sources for a topic on a channel: the customer's, else the default."""
    own = (
        NotificationTemplate.objects.for_customer(customer_id)
        .filter(topic=topic, channel=channel)
        .first()
    )
    if own is not None:
        return own.subject or DEFAULT_SUBJECT, own.body
    chat = channel in ("slack", "teams", "mattermost")
    return DEFAULT_SUBJECT, CHAT_BODY if chat else DEFAULT_BODY


def render(subject: str, body: str, context: dict[str, Any]) -> Rendered:
    """Raises TemplateRenderError with the line when the template is wrong."""
    return Rendered(render_text(subject, context).strip(), render_text(body, context))
