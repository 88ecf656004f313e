"""Compliance forms: a policy with its rules and fixtures (formsets), YAML import, waivers.

The policy editor produces the same mapping a YAML file holds, so both paths are validated by
`policy_yaml.from_dict` (errors with their path) and saved by `services.save_policy` (fixtures
first).
"""

import json
from typing import Any, cast

from django import forms
from django.forms import formset_factory

from webnet.compliance.evaluator import KINDS, SEVERITIES
from webnet.compliance.models import ComplianceRule, ComplianceWaiver
from webnet.compliance.policy_yaml import EXPECTATIONS, PLATFORMS
from webnet.customers.models import Customer
from webnet.devices.models import Device, DeviceGroup, Tag
from webnet.ui.forms.base import ScopedModelForm, StyledForm

PARAMETERS_HELP = (
    'JSON. must_contain / must_not_contain: {"lines": ["ip ssh version 2"], "regex": false}; '
    'regex_compare: {"regex": "logging buffered (\\\\d+)", "operator": ">=", "value": 16384}; '
    'hierarchical: {"snippet": "line vty 0 4\\n transport input ssh", "ordered": false, '
    '"exact": false}. Optional: "anywhere", "absent_ok", "require_block", "remediation".'
)


def _names(model: Any, user: Any, customer: Customer) -> list[tuple[str, str]]:
    rows = model.objects.restrict(user, "view").for_customer(customer.pk).order_by("name")
    return [(name, name) for name in rows.values_list("name", flat=True)]


class PolicyForm(StyledForm):
    name = forms.CharField(max_length=100)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    enabled = forms.BooleanField(required=False, initial=True)
    severity = forms.ChoiceField(choices=[(s, s) for s in SEVERITIES], initial="medium")
    platforms = forms.MultipleChoiceField(
        choices=[(p, p) for p in PLATFORMS],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None checked: every platform.",
    )
    tags = forms.MultipleChoiceField(required=False, help_text="Devices with any of these tags.")
    groups = forms.MultipleChoiceField(required=False, help_text="Devices in any of these groups.")

    def __init__(self, *args: Any, customer: Customer, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["tags"]).choices = _names(Tag, user, customer)
        cast(forms.ChoiceField, self.fields["groups"]).choices = _names(DeviceGroup, user, customer)


class JSONText(forms.CharField):
    """A JSON object typed into a textarea (shown pretty-printed)."""

    widget = forms.Textarea(attrs={"rows": 3, "class": "input font-mono text-xs"})

    def prepare_value(self, value: Any) -> Any:
        return value if isinstance(value, str) else json.dumps(value or {}, indent=1)

    def has_changed(self, initial: Any, data: Any) -> bool:
        """Compare parsed objects: the `{}` a blank row renders is no change from nothing."""
        try:
            return self.to_python(data) != self.to_python(initial or "")
        except forms.ValidationError:
            return True

    def to_python(self, value: Any) -> Any:
        if isinstance(value, dict):
            return value
        text = (super().to_python(value) or "").strip()
        try:
            data = json.loads(text or "{}")
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(f"Not valid JSON: {exc.msg} (line {exc.lineno}).") from exc
        if not isinstance(data, dict):
            raise forms.ValidationError("A JSON object ({...}).")
        return data


# A blank extra row submits the first option of each select: making that the initial value
# lets the formset see the row as unchanged and ignore it, instead of failing "required".
class RuleForm(StyledForm):
    name = forms.CharField(max_length=100)
    kind = forms.ChoiceField(choices=[(k, k) for k in KINDS], initial=KINDS[0])
    severity = forms.ChoiceField(choices=[(s, s) for s in SEVERITIES], initial="medium")
    context = forms.CharField(
        required=False, max_length=300, help_text="Section regex, e.g. ^interface .*"
    )
    parameters = JSONText(required=False, help_text=PARAMETERS_HELP)


class FixtureForm(StyledForm):
    name = forms.CharField(max_length=100)
    platform = forms.ChoiceField(choices=[(p, p) for p in PLATFORMS], initial=PLATFORMS[0])
    config = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5, "class": "input font-mono text-xs"}),
        strip=False,
    )
    expected = JSONText(help_text='Rule name → "pass" or "fail", e.g. {"ssh v2": "pass"}')

    def clean_expected(self) -> dict[str, str]:
        expected = self.cleaned_data["expected"]
        bad = [k for k, v in expected.items() if v not in EXPECTATIONS]
        if bad or not expected:
            raise forms.ValidationError("Map each rule name to pass or fail.")
        return expected


RuleFormSet = formset_factory(RuleForm, extra=1, can_delete=True)
FixtureFormSet = formset_factory(FixtureForm, extra=1, can_delete=True)


def rows(formset: Any) -> list[dict[str, Any]]:
    """The filled, not deleted rows of a valid formset, in order."""
    return [
        {k: v for k, v in form.cleaned_data.items() if k != "DELETE"}
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


class YAMLImportForm(StyledForm):
    yaml = forms.CharField(
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 18, "class": "input font-mono text-xs"}),
        label="Policy YAML",
    )
    file = forms.FileField(required=False, help_text="…or upload a .yaml file.")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        upload = cleaned.get("file")
        if upload:
            try:
                cleaned["yaml"] = upload.read(1_000_000).decode()
            except UnicodeDecodeError as exc:
                raise forms.ValidationError("The file is not UTF-8 text.") from exc
        if not cleaned.get("yaml", "").strip():
            raise forms.ValidationError("Paste a policy or choose a file.")
        return cleaned


class WaiverForm(ScopedModelForm):
    class Meta:
        model = ComplianceWaiver
        fields = ["device", "rule", "reason", "expires_at"]
        widgets = {
            "reason": forms.Textarea(attrs={"rows": 2}),
            "expires_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.restrict_choices("device", Device)
        rule = cast(forms.ModelChoiceField, self.fields["rule"])
        rule.queryset = (
            ComplianceRule.objects.restrict(self.user, "view")
            .for_customer(self.customer.pk)
            .select_related("policy")
        )
