"""The rules of incident configuration (teams, rules, SLA policies and calendars, chains, on-call),
shared by the API's serializers and the UI's forms so both edges refuse the same input; and the
audited write of an object together with its ordered rows (a chain's steps, a rotation's members).

Each check raises Django's ValidationError with the message an edge shows on that field.
"""

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from webnet.core import changes
from webnet.incidents import sla
from webnet.incidents.business_hours import country_holidays
from webnet.incidents.models import Priority, TargetKind
from webnet.incidents.sla import CLOCK_NAMES
from webnet.locations.within import NODE_MODELS, parse_node

MAX_TARGET_SECONDS = 10 * 365 * 86400
MAX_EXTRA_HOLIDAYS = 1000
STEP_TARGET_FIELD = {
    TargetKind.USER: "user",
    TargetKind.TEAM: "team",
    TargetKind.SCHEDULE: "schedule",
}


def check_zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError("Unknown time zone.") from exc
    return value


def check_weekly_hours(value: Any) -> Any:
    try:
        sla.parse_weekly_hours(value)
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc
    return value


def check_extra_holidays(value: Any) -> Any:
    if not isinstance(value, list) or len(value) > MAX_EXTRA_HOLIDAYS:
        raise ValidationError("A list of ISO dates (YYYY-MM-DD).")
    for item in value:
        try:
            date.fromisoformat(str(item))
        except ValueError as exc:
            raise ValidationError(f"{item!r} is not a date.") from exc
    return value


def check_holidays(country: str, subdivision: str) -> None:
    """The `holidays` package must know the country (and subdivision)."""
    if not country:
        return
    try:
        country_holidays(country, [timezone.now().year], subdivision or None)
    except NotImplementedError as exc:
        raise ValidationError(
            {"holiday_country": [f"No holidays known for {country}/{subdivision}."]}
        ) from exc


def check_targets(value: Any) -> Any:
    """{"p1": {"acknowledge": 900, ...}}: known priorities and clocks, positive seconds."""
    if not isinstance(value, dict):
        raise ValidationError("An object of priority → clock → seconds.")
    for priority, clocks in value.items():
        if priority not in Priority.values or not isinstance(clocks, dict):
            raise ValidationError(
                f"{priority!r}: use {', '.join(Priority.values)} → an object of clocks."
            )
        for name, seconds in clocks.items():
            if name not in CLOCK_NAMES:
                raise ValidationError(f"{priority}.{name}: clocks are {', '.join(CLOCK_NAMES)}.")
            if (
                not isinstance(seconds, int | float)
                or isinstance(seconds, bool)
                or not (0 < seconds <= MAX_TARGET_SECONDS)
            ):
                raise ValidationError(f"{priority}.{name}: positive seconds.")
    return value


def check_at_risk_percent(value: int) -> int:
    if not 1 <= value <= 100:
        raise ValidationError("Between 1 and 100.")
    return value


def check_length_days(value: int) -> int:
    if not 1 <= value <= 365:
        raise ValidationError("Between 1 (daily) and 365 days; 7 is weekly.")
    return value


def check_step_target(kind: str, targets: dict[str, Any]) -> None:
    """A step names the user, team or schedule its kind says (`targets`: field → object)."""
    field = STEP_TARGET_FIELD.get(kind)  # type: ignore[call-overload]
    if field is not None and targets.get(field) is None:
        raise ValidationError({field: [f"A {field} step names its {field}."]})


def check_override_span(start: Any, end: Any) -> None:
    if start and end and end <= start:
        raise ValidationError({"end": ["Ends after it starts."]})


def check_within(user: Any, customer: Any, value: str) -> str:
    """A rule's location subtree ("region:3"): well formed, and a node the user can see."""
    if not value:
        return value
    try:
        node = parse_node(value)
    except ValueError as exc:
        raise ValidationError({"within": [str(exc)]}) from exc
    model: Any = NODE_MODELS[node.kind]
    if not model.objects.restrict(user).for_customer(customer.pk).filter(pk=node.id).exists():
        raise ValidationError({"within": [f"{node} does not exist."]})
    return str(node)


@transaction.atomic
def save_with_rows(
    actor: Any,
    model: type[models.Model],
    obj: models.Model | None,
    data: dict[str, Any],
    rows: Sequence[dict[str, Any]],
    row_model: type[models.Model],
    parent_field: str,
) -> models.Model:
    """Create or update `obj` and replace its ordered rows (position 1, 2, … in the given order),
    each write audited — so a chain never shows half its old and half its new steps."""
    saved = changes.create(actor, model, data) if obj is None else changes.update(actor, obj, data)
    old: Iterable[models.Model] = row_model.objects.filter(**{parent_field: saved})  # type: ignore[attr-defined]
    for stale in list(old):
        changes.delete(actor, stale)
    for position, row in enumerate(rows, start=1):
        changes.create(
            actor,
            row_model,
            {**row, parent_field: saved, "customer": saved.customer, "position": position},  # type: ignore[attr-defined]
        )
    return saved
