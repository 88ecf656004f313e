"""Forms of the incident configuration pages: teams, incident rules, business calendars, SLA
policies, escalation chains (with step rows), on-call schedules, rotations (with member rows)
and overrides.

Every rule of what is valid is incidents/config.py's (the API checks the same); these forms only
turn form fields into the stored shapes (minutes → seconds, rows → JSON) and restrict choices to
the active customer. Repeating rows are formsets whose blank rows are skipped, not refused.
"""

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone

from webnet.customers.models import Customer
from webnet.devices.models import DeviceGroup
from webnet.incidents import config
from webnet.incidents.models import (
    BusinessCalendar,
    EscalationChain,
    IncidentRule,
    OnCallSchedule,
    Override,
    Priority,
    Rotation,
    SlaPolicy,
    TargetKind,
    Team,
)
from webnet.incidents.sla import CLOCK_NAMES
from webnet.ui.forms.base import ScopedModelForm, style_fields

ROW_EXTRA = 3  # blank rows offered under the filled ones (no script needed to add a row)
WEEKDAYS = [("0", "Monday"), ("1", "Tuesday"), ("2", "Wednesday"), ("3", "Thursday")]
WEEKDAYS += [("4", "Friday"), ("5", "Saturday"), ("6", "Sunday")]
CLOCK_LABELS = {
    "acknowledge": "acknowledge",
    "first_response": "first response",
    "resolve_first": "resolve (first)",
    "resolve_total": "resolve (total)",
}
MAX_MINUTES = config.MAX_TARGET_SECONDS // 60


def members_of(customer: Customer) -> QuerySet:
    """People a configuration may name: the customer's members."""
    return get_user_model().objects.filter(memberships__customer=customer).distinct()


def field_errors(form: forms.BaseForm, exc: ValidationError, field: str | None) -> None:
    """A domain check's error on `field`, or on the fields its own dict names."""
    form.add_error(None if hasattr(exc, "error_dict") else field, exc)


class TeamForm(ScopedModelForm):
    unique_in_customer = ("name",)

    class Meta:
        model = Team
        fields = ["name", "description", "members"]
        widgets = {
            "members": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = members_of(self.customer)  # type: ignore[attr-defined]


class IncidentRuleForm(ScopedModelForm):
    unique_in_customer = ("name",)

    class Meta:
        model = IncidentRule
        fields = [
            "name",
            "enabled",
            "order",
            "min_severity",
            "within",
            "device_group",
            "priority",
            "team",
            "escalation_chain",
            "sla_policy",
            "auto_resolve",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, model in (
            ("device_group", DeviceGroup),
            ("team", Team),
            ("escalation_chain", EscalationChain),
            ("sla_policy", SlaPolicy),
        ):
            self.restrict_choices(name, model)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("within"):
            try:
                cleaned["within"] = config.check_within(self.user, self.customer, cleaned["within"])
            except ValidationError as exc:
                field_errors(self, exc, "within")
        return cleaned


class RowForm(forms.Form):
    """One repeating row: every field optional, a row left blank is no row at all."""

    def __init__(self, *args: Any, customer: Customer, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.customer = customer
        self.user = user
        style_fields(self)

    @property
    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return all(value in (None, "", []) for value in data.values())

    def row(self) -> dict[str, Any]:
        """What the row stores."""
        return dict(self.cleaned_data)


class RowFormSet(forms.BaseFormSet):
    def rows(self) -> list[dict[str, Any]]:
        """The filled rows in the order given (blank ones skipped)."""
        return [form.row() for form in self.forms if not form.is_blank]


def row_formset(form: type[RowForm]) -> type[RowFormSet]:
    return forms.formset_factory(  # type: ignore[return-value]  # stubs drop the formset class
        form, formset=RowFormSet, extra=ROW_EXTRA, max_num=50, absolute_max=50, validate_max=True
    )


class HoursRow(RowForm):
    day = forms.ChoiceField(choices=[("", "—"), *WEEKDAYS], required=False)
    start = forms.TimeField(required=False, widget=forms.TimeInput(attrs={"type": "time"}))
    end = forms.TimeField(
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}),
        help_text="00:00 is midnight at the end of the day",
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.is_blank:
            for name in ("day", "start", "end"):
                if cleaned.get(name) in (None, ""):
                    self.add_error(name, "A range names its day, start and end.")
        return cleaned


HoursFormSet = row_formset(HoursRow)


class BusinessCalendarForm(ScopedModelForm):
    unique_in_customer = ("name",)
    extra_holidays_text = forms.CharField(
        required=False,
        label="Extra holidays",
        max_length=11 * config.MAX_EXTRA_HOLIDAYS,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="ISO dates (YYYY-MM-DD), separated by commas or lines",
    )

    class Meta:
        model = BusinessCalendar
        fields = ["name", "always_open", "time_zone", "holiday_country", "holiday_subdivision"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.initial["extra_holidays_text"] = ", ".join(self.instance.extra_holidays)

    def clean_time_zone(self) -> str:
        return config.check_zone(self.cleaned_data["time_zone"])

    def clean_extra_holidays_text(self) -> list[str]:
        text = self.cleaned_data.get("extra_holidays_text", "")
        return config.check_extra_holidays(text.replace(",", " ").split())

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        try:
            config.check_holidays(
                cleaned.get("holiday_country", ""), cleaned.get("holiday_subdivision", "")
            )
        except ValidationError as exc:
            field_errors(self, exc, "holiday_country")
        return cleaned

    def service_data(self) -> dict[str, Any]:
        data = super().service_data()
        data["extra_holidays"] = self.cleaned_data["extra_holidays_text"]
        data["weekly_hours"] = self.cleaned_data.get("weekly_hours", {})
        return data

    @staticmethod
    def rows_of(calendar: BusinessCalendar) -> list[dict[str, Any]]:
        """The stored weekly hours as rows (initial data of the hours formset)."""
        return [
            {"day": day, "start": start, "end": end}
            for day, ranges in sorted(calendar.weekly_hours.items())
            for start, end in ranges
        ]

    @staticmethod
    def weekly_hours(rows: list[dict[str, Any]]) -> dict[str, list[list[str]]]:
        hours: dict[str, list[list[str]]] = {}
        for row in rows:
            pair = [row["start"].strftime("%H:%M"), row["end"].strftime("%H:%M")]
            hours.setdefault(row["day"], []).append(pair)
        return config.check_weekly_hours(hours)


def target_field(priority: str, clock: str) -> str:
    return f"target_{priority}_{clock}"


class SlaPolicyForm(ScopedModelForm):
    """Targets as a grid of minutes per priority and clock; a blank cell is no target."""

    unique_in_customer = ("name",)

    class Meta:
        model = SlaPolicy
        fields = ["name", "calendar", "at_risk_percent", "is_default"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.restrict_choices("calendar", BusinessCalendar)
        self.fields["calendar"].empty_label = "24×7 (no calendar)"  # type: ignore[attr-defined]
        stored = self.instance.targets if self.instance.pk is not None else {}
        for priority in Priority.values:
            for clock in CLOCK_NAMES:
                name = target_field(priority, clock)
                self.fields[name] = forms.IntegerField(
                    required=False,
                    min_value=1,
                    max_value=MAX_MINUTES,
                    label=f"{priority.upper()} {CLOCK_LABELS[clock]} (minutes)",
                    widget=forms.NumberInput(attrs={"class": "input"}),
                )
                seconds = stored.get(priority, {}).get(clock)
                if seconds:
                    self.initial[name] = round(seconds / 60)

    def clean_at_risk_percent(self) -> int:
        return config.check_at_risk_percent(self.cleaned_data["at_risk_percent"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        targets: dict[str, dict[str, int]] = {}
        for priority in Priority.values:
            for clock in CLOCK_NAMES:
                minutes = cleaned.get(target_field(priority, clock))
                if minutes:
                    targets.setdefault(priority, {})[clock] = minutes * 60
        try:
            cleaned["targets"] = config.check_targets(targets)
        except ValidationError as exc:
            self.add_error(None, exc)
        return cleaned

    def grid(self) -> list[tuple[str, list[forms.BoundField]]]:
        """Rows of the targets table: a priority and its clocks' fields."""
        return [
            (label, [self[target_field(priority, clock)] for clock in CLOCK_NAMES])
            for priority, label in Priority.choices
        ]

    def service_data(self) -> dict[str, Any]:
        data = super().service_data()
        data["targets"] = self.cleaned_data["targets"]
        return data


class EscalationChainForm(ScopedModelForm):
    unique_in_customer = ("name",)

    class Meta:
        model = EscalationChain
        fields = ["name", "description", "ack_timeout_seconds"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}
        labels = {"ack_timeout_seconds": "Acknowledge timeout (seconds)"}


class StepRow(RowForm):
    wait_minutes = forms.IntegerField(
        required=False, min_value=0, max_value=MAX_MINUTES, label="Wait (minutes from start)"
    )
    target_kind = forms.ChoiceField(
        choices=[("", "—"), *TargetKind.choices], required=False, label="Notify"
    )
    user = forms.ModelChoiceField(queryset=None, required=False)
    team = forms.ModelChoiceField(queryset=Team.objects.none(), required=False)
    schedule = forms.ModelChoiceField(
        queryset=OnCallSchedule.objects.none(), required=False, label="On-call schedule"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["user"].queryset = members_of(self.customer)
        for name, model in (("team", Team), ("schedule", OnCallSchedule)):
            fields[name].queryset = model.objects.restrict(self.user, "view").for_customer(  # type: ignore[attr-defined]
                self.customer.pk
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.is_blank:
            return cleaned
        if not cleaned.get("target_kind"):
            self.add_error("target_kind", "Choose whom the step notifies.")
            return cleaned
        try:
            config.check_step_target(cleaned["target_kind"], cleaned)
        except ValidationError as exc:
            self.add_error(None, exc)
        return cleaned

    def row(self) -> dict[str, Any]:
        data = self.cleaned_data
        kind = data["target_kind"]
        target = config.STEP_TARGET_FIELD[kind]
        return {
            "wait_seconds": (data.get("wait_minutes") or 0) * 60,
            "target_kind": kind,
            **{
                name: data[name] if name == target else None
                for name in ("user", "team", "schedule")
            },
        }


StepFormSet = row_formset(StepRow)


class OnCallScheduleForm(ScopedModelForm):
    unique_in_customer = ("name",)

    class Meta:
        model = OnCallSchedule
        fields = ["name", "description", "time_zone"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def clean_time_zone(self) -> str:
        return config.check_zone(self.cleaned_data["time_zone"])


class RotationForm(ScopedModelForm):
    class Meta:
        model = Rotation
        fields = ["name", "layer", "length_days", "handoff_time", "time_zone", "start_date"]
        widgets = {
            "handoff_time": forms.TimeInput(attrs={"type": "time"}),
            "start_date": forms.DateInput(attrs={"type": "date"}),
        }
        labels = {"length_days": "Length (days: 1 daily, 7 weekly)", "layer": "Layer (0 primary)"}

    def clean_time_zone(self) -> str:
        return config.check_zone(self.cleaned_data["time_zone"])

    def clean_length_days(self) -> int:
        return config.check_length_days(self.cleaned_data["length_days"])


class MemberRow(RowForm):
    user = forms.ModelChoiceField(queryset=None, required=False, label="Member")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = members_of(self.customer)  # type: ignore[attr-defined]


MemberFormSet = row_formset(MemberRow)

LOCAL_INPUT = "%Y-%m-%dT%H:%M"


class OverrideForm(ScopedModelForm):
    """Start and end are read in the user's time zone (the active one), as the page says."""

    class Meta:
        model = Override
        fields = ["user", "start", "end"]
        widgets = {
            "start": forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_INPUT),
            "end": forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_INPUT),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = members_of(self.customer)  # type: ignore[attr-defined]
        self.fields["user"].label = "Who covers"
        zone = timezone.get_current_timezone_name()
        for name in ("start", "end"):
            self.fields[name].help_text = f"In your time zone ({zone})"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        try:
            config.check_override_span(cleaned.get("start"), cleaned.get("end"))
        except ValidationError as exc:
            self.add_error(None, exc)
        return cleaned
