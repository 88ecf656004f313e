"""The maintenance window form: scope pickers offered through the gate, times in the user's zone
(the page's active zone), recurrence as an RRULE body."""

from typing import Any

from django import forms

from webnet.devices.models import Device, DeviceGroup
from webnet.locations.models import Location, Region, Site
from webnet.maintenance.models import MaintenanceWindow
from webnet.ui.forms.base import ScopedModelForm

SCOPE = {
    "devices": Device,
    "groups": DeviceGroup,
    "regions": Region,
    "sites": Site,
    "locations": Location,
}


TIMED_FIELDS = ["starts_at", "ends_at", "time_zone", "rrule"]
TIMED_WIDGETS = {
    "description": forms.Textarea(attrs={"rows": 2}),
    "starts_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
    "ends_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
}


def explain_timing(form: forms.BaseForm, example_rule: str) -> None:
    """The help a window's or a freeze's times need: which zone is which."""
    form.fields["starts_at"].help_text = "In your time zone."
    form.fields["time_zone"].help_text = "The zone the recurrence is written in (IANA)."
    form.fields["rrule"].help_text = f"Optional, e.g. {example_rule}"


class MaintenanceWindowForm(ScopedModelForm):
    unique_in_customer = ("name",)

    class Meta:
        model = MaintenanceWindow
        fields = [
            "name",
            "description",
            *TIMED_FIELDS,
            "behaviour",
            "announce",
            *SCOPE,
            "cancelled",
        ]
        widgets = TIMED_WIDGETS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, model in SCOPE.items():
            self.restrict_choices(name, model)
            self.fields[name].required = False
        explain_timing(self, "FREQ=WEEKLY;BYDAY=SU;COUNT=10")
