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


class MaintenanceWindowForm(ScopedModelForm):
    unique_in_customer = ("name",)

    class Meta:
        model = MaintenanceWindow
        fields = [
            "name",
            "description",
            "starts_at",
            "ends_at",
            "time_zone",
            "rrule",
            "behaviour",
            "announce",
            *SCOPE,
            "cancelled",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "starts_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
            "ends_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, model in SCOPE.items():
            self.restrict_choices(name, model)
            self.fields[name].required = False
        self.fields["starts_at"].help_text = "In your time zone."
        self.fields["time_zone"].help_text = "The zone the recurrence is written in (IANA)."
        self.fields["rrule"].help_text = "Optional, e.g. FREQ=WEEKLY;BYDAY=SU;COUNT=10"
