"""The freeze window form: customer-wide, or one location subtree (a region, a site or a
location) picked through the gate; times in the user's zone."""

from typing import Any

from webnet.locations.models import Location, Region, Site
from webnet.maintenance.models import FreezeWindow
from webnet.ui.forms.base import ScopedModelForm
from webnet.ui.forms.maintenance import TIMED_FIELDS, TIMED_WIDGETS, explain_timing

SUBTREE = {"region": Region, "site": Site, "location": Location}
WHOLE_CUSTOMER = "Leave region, site and location empty to freeze the whole customer."


class FreezeWindowForm(ScopedModelForm):
    unique_in_customer = ("name",)

    class Meta:
        model = FreezeWindow
        fields = [
            "name",
            "description",
            *TIMED_FIELDS,
            "mode",
            *SUBTREE,
        ]
        widgets = TIMED_WIDGETS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, model in SUBTREE.items():
            self.restrict_choices(name, model)
        explain_timing(self, "FREQ=YEARLY;BYMONTH=12;COUNT=5")
        self.fields["region"].help_text = WHOLE_CUSTOMER

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        chosen = [name for name in SUBTREE if cleaned.get(name)]
        if len(chosen) > 1:
            self.add_error(chosen[1], "Freeze one subtree: a region, a site or a location.")
        return cleaned
