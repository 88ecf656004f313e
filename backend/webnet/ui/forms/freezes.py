"""The freeze window form: customer-wide, or one location subtree (a region, a site or a
location) picked through the gate; times in the user's zone."""

from typing import Any

from django import forms

from webnet.locations.models import Location, Region, Site
from webnet.maintenance.models import FreezeWindow
from webnet.ui.forms.base import ScopedModelForm

SUBTREE = {"region": Region, "site": Site, "location": Location}


class FreezeWindowForm(ScopedModelForm):
    unique_in_customer = ("name",)

    class Meta:
        model = FreezeWindow
        fields = [
            "name",
            "description",
            "starts_at",
            "ends_at",
            "time_zone",
            "rrule",
            "mode",
            *SUBTREE,
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "starts_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
            "ends_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, model in SUBTREE.items():
            self.restrict_choices(name, model)
        self.fields["starts_at"].help_text = "In your time zone."
        self.fields["time_zone"].help_text = "The zone the recurrence is written in (IANA)."
        self.fields["rrule"].help_text = "Optional, e.g. FREQ=YEARLY;BYMONTH=12;COUNT=5"
        self.fields[
            "region"
        ].help_text = "Leave region, site and location empty to freeze the whole customer."

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        chosen = [name for name in SUBTREE if cleaned.get(name)]
        if len(chosen) > 1:
            self.add_error(chosen[1], "Freeze one subtree: a region, a site or a location.")
        return cleaned
