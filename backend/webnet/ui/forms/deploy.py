"""Deploy wizard inputs: the change to preview (targets + lines or a template), plan filters.

Why reuse the job fields: a deploy targets devices exactly as a job does (devices, tags, groups,
all), through the same gated choices and the same `targets` dict; only what is applied differs.
"""

from typing import Any

import django_filters
from django import forms

from webnet.config_mgmt.models import ConfigTemplate
from webnet.config_mgmt.plans import ChangePlan, PlanSource, PlanStatus
from webnet.customers.models import Customer
from webnet.jobs import targets as job_targets
from webnet.ui.forms.base import style_fields
from webnet.ui.forms.jobs import TARGET_FIELDS, add_job_errors, build_targets, job_input_fields

MODE_LINES, MODE_TEMPLATE = "lines", "template"


class ChangeForm(forms.Form):
    """Preview a change: targets, then either configuration lines or a golden template."""

    mode = forms.ChoiceField(
        choices=[(MODE_LINES, "Configuration lines"), (MODE_TEMPLATE, "Golden template")],
        initial=MODE_LINES,
        widget=forms.RadioSelect,
        label="Change",
    )
    lines = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "class": "input font-mono text-xs"}),
        help_text="Configuration lines as you would type them in configuration mode.",
    )
    template = forms.ModelChoiceField(
        queryset=ConfigTemplate.objects.none(),
        required=False,
        empty_label="— choose a template —",
        help_text="Rendered for each device; its lines are merged into the running config.",
    )
    name = forms.CharField(required=False, max_length=200, help_text="Optional, for the list.")
    canary = forms.IntegerField(
        required=False,
        min_value=0,
        initial=0,
        label="Canary devices",
        help_text="Deploy to the first k devices first and stop if any fails (0: all at once).",
    )

    def __init__(self, *args: Any, customer: Customer, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        shared = job_input_fields(user, customer)
        for name in TARGET_FIELDS:
            self.fields[name] = shared[name]
        self.fields["template"].queryset = (  # type: ignore[attr-defined]
            ConfigTemplate.objects.restrict(user, "view").for_customer(customer.pk).order_by("name")
        )
        style_fields(self)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        spec = build_targets(cleaned)
        if not spec:
            self.add_error("devices", "Choose devices, tags or groups, or all enabled devices.")
        else:
            try:
                cleaned["targets"] = job_targets.clean(spec)
            except forms.ValidationError as exc:
                add_job_errors(self, exc)
        mode = cleaned.get("mode")
        if mode == MODE_LINES and not (cleaned.get("lines") or "").strip():
            self.add_error("lines", "Give at least one configuration line.")
        if mode == MODE_TEMPLATE and not cleaned.get("template"):
            self.add_error("template", "Choose a template.")
        cleaned["canary"] = cleaned.get("canary") or 0
        return cleaned


class PlanFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=PlanStatus.choices, empty_label="Any")
    source = django_filters.ChoiceFilter(choices=PlanSource.choices, empty_label="Any")

    class Meta:
        model = ChangePlan
        fields: list[str] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_fields(self.form)
