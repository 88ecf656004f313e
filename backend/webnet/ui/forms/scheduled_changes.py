"""Schedule a confirmed change plan into one occurrence of a maintenance window.

Why one "window occurrence" choice instead of a window and a free time: the service takes only an
occurrence that exists, so the page offers exactly those (upcoming, of the visible windows, in the
user's zone) and needs no script to narrow the times once a window is picked.
"""

from datetime import datetime, timedelta
from typing import Any

from django import forms
from django.db.models import QuerySet

from webnet.config_mgmt.plans import ChangePlan, PlanStatus
from webnet.maintenance.models import MaintenanceWindow
from webnet.maintenance.services import overlapping
from webnet.ui.clock import when
from webnet.ui.forms.base import StyledForm

HORIZON = timedelta(days=366)
MAX_WINDOWS = 50
PER_WINDOW = 8


def occurrence_choices(windows: QuerySet, now: datetime) -> list[tuple[str, str]]:
    """`<window id>|<start ISO>` → "name — start – end" for each window's next occurrences."""
    choices = []
    upcoming = overlapping(windows.filter(cancelled=False), now, now + HORIZON)
    for window in upcoming.order_by("starts_at", "pk")[:MAX_WINDOWS]:
        spans = [(s, e) for s, e in window.occurrences(now, now + HORIZON) if e > now]
        for start, end in spans[:PER_WINDOW]:
            label = f"{window.name} — {when(start)} – {when(end)}"
            choices.append((f"{window.pk}|{start.isoformat()}", label))
    return choices


class ScheduleChangeForm(StyledForm):
    plan = forms.ModelChoiceField(
        queryset=ChangePlan.objects.none(),
        empty_label="— a confirmed change plan —",
        help_text="Only a confirmed plan (approved first, where a policy asks) can be scheduled.",
    )
    occurrence = forms.ChoiceField(
        label="Window occurrence",
        help_text="The change starts when this occurrence opens, never outside it.",
    )
    override_reason = forms.CharField(
        required=False,
        label="Override reason",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Admins only: schedule despite an overridable freeze. Recorded in the audit log.",
    )

    def __init__(
        self,
        *args: Any,
        plans: QuerySet,
        windows: QuerySet,
        now: datetime,
        may_override: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.windows = windows
        plan_field: Any = self.fields["plan"]
        plan_field.queryset = plans.filter(status=PlanStatus.CONFIRMED).order_by("-created_at")
        occurrence: Any = self.fields["occurrence"]
        occurrence.choices = [("", "— a window occurrence —"), *occurrence_choices(windows, now)]
        if not may_override:
            del self.fields["override_reason"]

    def clean_occurrence(self) -> tuple[MaintenanceWindow, datetime]:
        pk, _, start = self.cleaned_data["occurrence"].partition("|")
        window = self.windows.filter(pk=int(pk)).first() if pk.isdigit() else None
        try:
            at = datetime.fromisoformat(start)
        except ValueError:
            at = None
        if window is None or at is None:
            raise forms.ValidationError("Choose one of the offered occurrences.")
        return window, at
