"""Forms of the notification pages: sinks (the secret is write-only), routing rules, templates."""

from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django import forms

from webnet.devices.models import DeviceGroup, Tag
from webnet.notifications.models import NotificationTemplate, RoutingRule, Sink
from webnet.ui.forms.base import ScopedModelForm

SECRET_HELP = "webhook: whsec_… signing secret (generated if blank); chat: the incoming-webhook URL"


def _int_list(text: str, label: str, low: int, high: int | None = None) -> list[int]:
    try:
        values = [int(part) for part in text.replace(" ", "").split(",") if part]
    except ValueError as exc:
        raise forms.ValidationError(f"{label}: whole numbers separated by commas.") from exc
    if any(v < low or (high is not None and v > high) for v in values):
        raise forms.ValidationError(f"{label}: out of range.")
    return values


class SinkForm(ScopedModelForm):
    unique_in_customer = ("name",)
    url = forms.URLField(required=False, assume_scheme="https", help_text="webhook endpoint")
    recipients = forms.CharField(required=False, help_text="email: addresses, comma-separated")
    secret = forms.CharField(
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=SECRET_HELP,
    )

    class Meta:
        model = Sink
        fields = ["name", "kind", "enabled", "url", "failure_threshold", "dead_letter_seconds"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["secret"].widget.attrs["class"] = "input"
        self.fields["recipients"].widget.attrs["class"] = "input"
        if self.instance.pk is not None:
            self.initial["recipients"] = ", ".join(self.instance.recipients)
            if self.instance.has_secret:
                self.fields["secret"].help_text = "Set — leave blank to keep it."

    def clean_recipients(self) -> list[str]:
        text = self.cleaned_data.get("recipients", "")
        return [part.strip() for part in text.split(",") if part.strip()]

    def service_data(self) -> dict[str, Any]:
        data = super().service_data()
        data["recipients"] = self.cleaned_data["recipients"]
        if self.cleaned_data.get("secret"):
            data["secret"] = self.cleaned_data["secret"]
        return data


class RoutingRuleForm(ScopedModelForm):
    unique_in_customer = ("name",)
    location_ids_text = forms.CharField(
        required=False, label="Location ids", help_text="subtree roots, comma-separated"
    )
    weekdays_text = forms.CharField(
        required=False, label="Weekdays", help_text="0 = Monday … 6 = Sunday; blank: every day"
    )

    class Meta:
        model = RoutingRule
        fields = [
            "name",
            "enabled",
            "position",
            "topic",
            "min_severity",
            "device_group",
            "tag",
            "start_time",
            "end_time",
            "time_zone",
            "sinks",
            "users",
            "stop",
        ]
        widgets = {
            "start_time": forms.TimeInput(attrs={"type": "time"}),
            "end_time": forms.TimeInput(attrs={"type": "time"}),
            "sinks": forms.CheckboxSelectMultiple,
            "users": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.restrict_choices("sinks", Sink)
        self.restrict_choices("device_group", DeviceGroup)
        self.restrict_choices("tag", Tag)
        users: Any = self.fields["users"]
        users.queryset = users.queryset.filter(memberships__customer=self.customer).distinct()
        if self.instance.pk is not None:
            self.initial["location_ids_text"] = ", ".join(map(str, self.instance.location_ids))
            self.initial["weekdays_text"] = ", ".join(map(str, self.instance.weekdays))

    def clean_location_ids_text(self) -> list[int]:
        return _int_list(self.cleaned_data.get("location_ids_text", ""), "Location ids", 1)

    def clean_weekdays_text(self) -> list[int]:
        return _int_list(self.cleaned_data.get("weekdays_text", ""), "Weekdays", 0, 6)

    def clean_time_zone(self) -> str:
        name = self.cleaned_data["time_zone"]
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise forms.ValidationError(f"Unknown time zone {name!r}.") from exc
        return name

    def service_data(self) -> dict[str, Any]:
        data = super().service_data()
        data["location_ids"] = self.cleaned_data["location_ids_text"]
        data["weekdays"] = self.cleaned_data["weekdays_text"]
        return data


class NotificationTemplateForm(ScopedModelForm):
    class Meta:
        model = NotificationTemplate
        fields = ["topic", "channel", "subject", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 10, "class": "input font-mono"})}
