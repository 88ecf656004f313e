"""Region, site, location and rack forms: parents and sites offered through the gate."""

from typing import Any

from django import forms

from webnet.locations.models import Location, Rack, Region, Site
from webnet.ui.forms.base import ScopedModelForm


class RegionForm(ScopedModelForm):
    unique_in_customer = ("name",)

    class Meta:
        model = Region
        fields = ["name", "parent", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.restrict_choices("parent", Region)


class SiteForm(ScopedModelForm):
    unique_in_customer = ("name",)

    class Meta:
        model = Site
        fields = [
            "name",
            "region",
            "status",
            "address",
            "latitude",
            "longitude",
            "time_zone",
            "description",
        ]
        widgets = {
            "address": forms.Textarea(attrs={"rows": 2}),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.restrict_choices("region", Region)
        self.fields["time_zone"].help_text = "IANA name, e.g. Europe/Amsterdam."


class LocationForm(ScopedModelForm):
    class Meta:
        model = Location
        fields = ["name", "site", "parent", "kind", "status", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.restrict_choices("site", Site)
        self.restrict_choices("parent", Location)
        self.fields["site"].required = False
        self.fields["site"].help_text = "Left empty, it follows the parent location."


class RackForm(ScopedModelForm):
    class Meta:
        model = Rack
        fields = ["name", "site", "location", "status", "units", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.restrict_choices("site", Site)
        self.restrict_choices("location", Location)
        self.fields["site"].required = False
        self.fields["site"].help_text = "Left empty, it follows the location."
