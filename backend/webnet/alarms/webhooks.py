"""Inbound webhook bodies → events: Prometheus Alertmanager's webhook JSON and a plain format.

Alertmanager (`{"version": "4", "alerts": [{"status", "labels", "annotations", ...}]}`): one event
per alert; the condition is the alertname, the resource the alert's other labels (so firing and
resolved of one alert meet on one alarm, as its fingerprint would), resolved clears. Plain:
`{"condition", "action": "raise"|"clear", "severity", "message", "resource", "device", "labels"}`
or `{"events": [...]}` of those. `device` is a hostname of the token's customer.
"""

import json
from typing import Any

SEVERITY_WORDS = {
    "critical": "critical",
    "page": "critical",
    "emergency": "critical",
    "major": "major",
    "error": "major",
    "high": "major",
    "minor": "minor",
    "warning": "warning",
    "warn": "warning",
    "info": "info",
    "informational": "info",
    "none": "info",
}
MAX_EVENTS = 1000


class WebhookError(ValueError):
    """A body that is neither format; `errors` maps fields to messages (answered as 400)."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(str(errors))
        self.errors = errors


def labels_resource(labels: dict[str, str]) -> str:
    """What an alert is about: its labels other than alertname (and severity, which may change)."""
    rest = {k: v for k, v in sorted(labels.items()) if k not in ("alertname", "severity")}
    return "alert:" + json.dumps(rest, separators=(",", ":"))[:190]


def _text_map(value: Any) -> dict[str, str] | None:
    if not isinstance(value, dict):
        return None
    return {str(k): str(v) for k, v in value.items()}


def parse(body: Any) -> list[dict[str, Any]]:
    """Plain dicts with condition, action, severity, message, resource, labels, device."""
    if not isinstance(body, dict):
        raise WebhookError({"non_field_errors": ["Send a JSON object."]})
    if "alerts" in body:
        items = [_alert(a, i) for i, a in enumerate(_list(body["alerts"], "alerts"))]
    elif "events" in body:
        items = [_plain(e, f"events[{i}]") for i, e in enumerate(_list(body["events"], "events"))]
    else:
        items = [_plain(body, "")]
    return items


def _list(value: Any, key: str) -> list[Any]:
    if not isinstance(value, list) or not value or len(value) > MAX_EVENTS:
        raise WebhookError({key: [f"a list of 1 to {MAX_EVENTS} items"]})
    return value


def _alert(alert: Any, position: int) -> dict[str, Any]:
    key = f"alerts[{position}]"
    labels = _text_map(alert.get("labels")) if isinstance(alert, dict) else None
    if labels is None or not labels.get("alertname"):
        raise WebhookError({key: ["an alert needs labels with an alertname"]})
    annotations = _text_map(alert.get("annotations") or {}) or {}
    status = alert.get("status", "firing")
    if status not in ("firing", "resolved"):
        raise WebhookError({f"{key}.status": ["firing or resolved"]})
    return {
        "condition": labels["alertname"][:100],
        "action": "clear" if status == "resolved" else "raise",
        "severity": SEVERITY_WORDS.get(labels.get("severity", "").lower(), "warning"),
        "message": annotations.get("summary") or annotations.get("description", ""),
        "resource": labels_resource(labels),
        "labels": labels,
        "device": labels.get("device") or labels.get("hostname") or "",
        "data": {"alertmanager": {k: alert.get(k) for k in ("startsAt", "endsAt", "fingerprint")}},
    }


def _plain(event: Any, path: str) -> dict[str, Any]:
    prefix = f"{path}." if path else ""
    if not isinstance(event, dict):
        raise WebhookError({path or "non_field_errors": ["must be an object"]})
    errors: dict[str, list[str]] = {}
    condition = event.get("condition")
    if not isinstance(condition, str) or not condition or len(condition) > 100:
        errors[f"{prefix}condition"] = ["required text (at most 100 characters)"]
    action = event.get("action", "raise")
    if action not in ("raise", "clear"):
        errors[f"{prefix}action"] = ["raise or clear"]
    severity = event.get("severity", "warning")
    if severity not in SEVERITY_WORDS.values():
        errors[f"{prefix}severity"] = [f"one of {sorted(set(SEVERITY_WORDS.values()))}"]
    labels = _text_map(event.get("labels", {}))
    if labels is None:
        errors[f"{prefix}labels"] = ["an object of text values"]
    for key in ("message", "resource", "device"):
        if not isinstance(event.get(key, ""), str):
            errors[f"{prefix}{key}"] = ["must be text"]
    if errors:
        raise WebhookError(errors)
    return {
        "condition": condition,
        "action": action,
        "severity": severity,
        "message": event.get("message", ""),
        "resource": event.get("resource", "")[:190] or labels_resource(labels or {}),
        "labels": labels or {},
        "device": event.get("device", ""),
        "data": {},
    }
