"""Job inputs as form fields — kind, targets and parameters — shared by the run page and schedules.

Why: a job and a schedule take the same inputs; the fields, their gated choices, how they become
the services' `targets`/`params` dicts (and back, to edit a schedule), and where a service's
ValidationError lands must be one code path, or the two pages drift apart.
"""

import contextlib
import json
from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.http import QueryDict

from webnet.core.numbers import IdFilter
from webnet.customers.models import Customer
from webnet.devices.models import Device, DeviceGroup, Tag
from webnet.jobs import registry
from webnet.jobs import targets as job_targets
from webnet.jobs.models import Job, JobStatus
from webnet.jobs.services import MAX_CONCURRENCY, clean_params
from webnet.ui.forms.base import style_fields

RUN_COMMANDS = "commands.run"
TARGET_FIELDS = ("devices", "tags", "groups", "all_devices")
PARAM_FIELDS = ("commands", "parse", "params_json", "concurrency")
# Where a service's ValidationError key is shown on the form.
ERROR_FIELDS = {"targets": "devices", "params": "params_json", "failed_only": None}


class OptionalJSONField(forms.JSONField):
    """Shows nothing (not `null`) when there is no value."""

    def prepare_value(self, value: Any) -> Any:
        return "" if value is None else super().prepare_value(value)


def kind_choices() -> list[tuple[str, str]]:
    return [(kind.name, kind.label) for kind in registry.startable_kinds()]


def _visible(model: type[models.Model], user: Any, customer: Customer) -> Any:
    return model.objects.restrict(user, "view").for_customer(customer.pk)  # type: ignore[attr-defined]


def job_input_fields(user: Any, customer: Customer) -> dict[str, forms.Field]:
    """Targets (choices through the gate) and parameters; `kind` is the caller's."""
    return {
        "devices": forms.ModelMultipleChoiceField(
            queryset=_visible(Device, user, customer).filter(enabled=True).order_by("hostname"),
            required=False,
            widget=forms.SelectMultiple(attrs={"size": 8}),
            help_text="Enabled devices of this customer. Ctrl/⌘-click to pick several.",
        ),
        "tags": forms.ModelMultipleChoiceField(
            queryset=_visible(Tag, user, customer).order_by("name"),
            to_field_name="name",
            required=False,
            widget=forms.SelectMultiple(attrs={"size": 4}),
        ),
        "groups": forms.ModelMultipleChoiceField(
            queryset=_visible(DeviceGroup, user, customer).order_by("name"),
            required=False,
            widget=forms.SelectMultiple(attrs={"size": 4}),
        ),
        "all_devices": forms.BooleanField(required=False, label="All enabled devices"),
        "commands": forms.CharField(
            required=False,
            widget=forms.Textarea(attrs={"rows": 5, "placeholder": "show version"}),
            help_text="One read-only command per line.",
        ),
        "parse": forms.BooleanField(required=False, label="Parse with ntc-templates"),
        "params_json": OptionalJSONField(
            required=False,
            label="Parameters (JSON)",
            widget=forms.Textarea(attrs={"rows": 3, "placeholder": "{}"}),
            help_text="Leave empty for kinds without parameters.",
        ),
        "concurrency": forms.IntegerField(
            required=False,
            min_value=1,
            max_value=MAX_CONCURRENCY,
            help_text="Device sessions at once; empty for the server's default.",
        ),
    }


def build_targets(cleaned: dict[str, Any]) -> dict[str, Any]:
    if cleaned.get("all_devices"):
        return {"all": True}
    spec: dict[str, Any] = {}
    if cleaned.get("devices"):
        spec["devices"] = sorted(device.pk for device in cleaned["devices"])
    if cleaned.get("tags"):
        spec["tags"] = sorted(tag.name for tag in cleaned["tags"])
    if cleaned.get("groups"):
        spec["groups"] = sorted(group.pk for group in cleaned["groups"])
    return spec


def build_params(kind: str, cleaned: dict[str, Any]) -> dict[str, Any]:
    if kind == RUN_COMMANDS:
        lines = (cleaned.get("commands") or "").splitlines()
        params: dict[str, Any] = {
            "commands": [line.strip() for line in lines if line.strip()],
            "parse": bool(cleaned.get("parse")),
        }
    else:
        params = dict(cleaned.get("params_json") or {})
    if cleaned.get("concurrency"):
        params["concurrency"] = cleaned["concurrency"]
    return params


def initial_from(spec: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    """The form's initial values for stored targets and params (editing a schedule)."""
    params = dict(params)
    initial: dict[str, Any] = {
        "all_devices": bool(spec.get("all")),
        "devices": spec.get("devices", []),
        "tags": spec.get("tags", []),
        "groups": spec.get("groups", []),
        "concurrency": params.pop("concurrency", None),
    }
    if "commands" in params:
        initial["commands"] = "\n".join(params.pop("commands") or [])
        initial["parse"] = bool(params.pop("parse", False))
    if params:
        initial["params_json"] = params
    return initial


def initial_from_query(query: QueryDict) -> dict[str, Any]:
    """Prefill from the query string: `?device=<id>` links and the kind switcher's re-render."""
    initial: dict[str, Any] = {
        "devices": query.getlist("devices") + query.getlist("device"),
        "tags": query.getlist("tags"),
        "groups": query.getlist("groups"),
        "all_devices": query.get("all_devices") in ("on", "true", "1"),
        "commands": query.get("commands", ""),
        "parse": query.get("parse") in ("on", "true", "1"),
        "concurrency": query.get("concurrency") or None,
    }
    if query.get("kind") in dict(kind_choices()):
        initial["kind"] = query["kind"]
    with contextlib.suppress(ValueError):
        raw = query.get("params_json")
        initial["params_json"] = json.loads(raw) if raw else None
    return initial


def add_job_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Put a service's ValidationError on the field it is about, or on top of the form."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for key, messages in exc.message_dict.items():
        name = ERROR_FIELDS.get(key, key)
        form.add_error(name if name in form.fields else None, messages)


def clean_job_inputs(
    form: forms.BaseForm, cleaned: dict[str, Any], kept: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Validate kind, targets and params as the services will; store them as `targets`/`params`.

    `kept`: stored targets the form has no field for (a filter set through the API).
    """
    kind_name = cleaned.get("kind")
    if not kind_name:
        return cleaned
    spec = build_targets(cleaned)
    if kept and not spec.get("all"):
        spec.update(kept)
    if not spec:
        form.add_error("devices", "Choose devices, tags or groups, or all enabled devices.")
    params = build_params(kind_name, cleaned)
    try:
        cleaned["targets"] = job_targets.clean(spec) if spec else {}
        cleaned["params"] = clean_params(registry.startable(kind_name), params)
    except ValidationError as exc:
        add_job_errors(form, exc)
    return cleaned


class JobRunForm(forms.Form):
    """Start a job: a kind (or a preset one), its targets and parameters."""

    kind = forms.ChoiceField(choices=kind_choices)

    def __init__(self, *args: Any, customer: Customer, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(job_input_fields(user, customer))
        style_fields(self)

    @property
    def selected_kind(self) -> str:
        if self.is_bound:
            return str(self.data.get("kind", ""))
        return str(self.initial.get("kind") or self.fields["kind"].initial or "")

    def clean(self) -> dict[str, Any]:
        return clean_job_inputs(self, super().clean() or {})


class JobFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=kind_choices, empty_label="Any")
    status = django_filters.ChoiceFilter(choices=JobStatus.choices, empty_label="Any")
    since = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__gte", label="Since"
    )
    schedule = IdFilter(widget=forms.HiddenInput)

    class Meta:
        model = Job
        fields: list[str] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_fields(self.form)
        self.form.fields["since"].widget.input_type = "date"  # type: ignore[attr-defined]
