"""The schedule form: name, kind, targets and params as on the run page, cron, enabled.

Why validate here: `create_schedule` / `update_schedule` store what they are given, so the edge
checks kind, targets, params and the cron expression first (as the API serializer does).
"""

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from webnet.jobs.cron import validate_cron
from webnet.jobs.models import Schedule
from webnet.ui.forms.base import ScopedModelForm, style_fields
from webnet.ui.forms.jobs import clean_job_inputs, initial_from, job_input_fields, kind_choices


class ScheduleForm(ScopedModelForm):
    unique_in_customer = ("name",)
    kind = forms.ChoiceField(choices=kind_choices)

    class Meta:
        model = Schedule
        fields = ["name", "kind", "cron", "enabled"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(job_input_fields(self.user, self.customer))
        zone = settings.TIME_ZONE
        self.fields["cron"].help_text = f"minute hour day month weekday, e.g. “0 2 * * *” ({zone})"
        # A filter target set through the API has no field here: keep it as it is.
        self.kept_filter = None
        if self.instance.pk is not None:
            self.initial.update(initial_from(self.instance.targets, self.instance.params))
            self.kept_filter = self.instance.targets.get("filter")
        style_fields(self)

    @property
    def selected_kind(self) -> str:
        if self.is_bound:
            return str(self.data.get("kind", ""))
        return str(self.initial.get("kind") or self.instance.kind or "")

    def clean_cron(self) -> str:
        cron = " ".join(str(self.cleaned_data.get("cron", "")).split())
        try:
            return validate_cron(cron)
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages) from exc

    def clean(self) -> dict[str, Any]:
        kept = {"filter": self.kept_filter} if self.kept_filter is not None else None
        return clean_job_inputs(self, super().clean(), kept)

    def service_data(self) -> dict[str, Any]:
        data = super().service_data()
        data["targets"] = self.cleaned_data["targets"]
        data["params"] = self.cleaned_data["params"]
        return data
