"""The device group form: static members or dynamic rules (JSON, validated inline), nesting."""

import json
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from webnet.devices.groups import validate_rules, would_cycle
from webnet.devices.models import Device, DeviceGroup, GroupKind
from webnet.ui.forms.base import ScopedModelForm

RULES_HELP = (
    "Dynamic groups only: device filters as a JSON object, e.g. "
    '{"platform": ["cisco_ios"], "site": "ams1"}.'
)


class PrettyJSONField(forms.JSONField):
    """Shows stored rules indented; empty input means no rules."""

    def prepare_value(self, value: Any) -> str:
        if isinstance(value, str):
            return value
        return json.dumps(value or {}, indent=2, sort_keys=True)


class DeviceGroupForm(ScopedModelForm):
    unique_in_customer = ("name",)
    filter_rules = PrettyJSONField(
        required=False, help_text=RULES_HELP, widget=forms.Textarea(attrs={"rows": 5})
    )

    class Meta:
        model = DeviceGroup
        fields = ["name", "description", "parent", "kind", "devices", "filter_rules"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "devices": forms.SelectMultiple(attrs={"size": 10}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.restrict_choices("parent", DeviceGroup)
        self.restrict_choices("devices", Device)
        if self.instance.pk is not None:
            parents = self.fields["parent"]
            parents.queryset = parents.queryset.exclude(pk=self.instance.pk)  # type: ignore[attr-defined]
        self.fields["devices"].help_text = "Static groups only."

    def clean_filter_rules(self) -> dict:
        return self.cleaned_data.get("filter_rules") or {}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("kind") == GroupKind.DYNAMIC and "filter_rules" in cleaned:
            try:
                cleaned["filter_rules"] = validate_rules(cleaned["filter_rules"])
            except ValidationError as exc:
                self.add_error("filter_rules", exc.messages)
        parent = cleaned.get("parent")
        if parent is not None and would_cycle(self.instance, parent):
            self.add_error("parent", "A group cannot be nested inside itself.")
        return cleaned
