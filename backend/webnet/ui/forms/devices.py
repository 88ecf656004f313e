"""Device and tag forms."""

from typing import Any

from django import forms

from webnet.core import access
from webnet.devices.models import INVENTORY_FIELDS, Credential, Device, Tag
from webnet.locations.models import Location, Rack, Site
from webnet.ui.forms.base import ScopedModelForm

BINDING_FIELDS = ("management_host", "port", "credential")


class DeviceForm(ScopedModelForm):
    """Credential and tag choices come through the gate; binding fields are admin-only."""

    unique_in_customer = ("hostname",)

    class Meta:
        model = Device
        fields = [*INVENTORY_FIELDS, "credential", "tags", "legacy_ssh"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "tags": forms.SelectMultiple(attrs={"size": 6}),
        }

    field_order = ["hostname", "management_host", "port", "credential", "platform"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.restrict_choices("credential", Credential)
        self.restrict_choices("tags", Tag)
        for name, model in (("site", Site), ("location", Location), ("rack", Rack)):
            self.restrict_choices(name, model)
        self.fields["vendor"].help_text = "Left empty, it follows the platform."
        self.fields["os_version"].label = "OS version"
        self.fields["legacy_ssh"].label = "Legacy SSH"
        if not access.can(self.user, "device", "change_binding", self.customer.pk):
            for name in BINDING_FIELDS:
                self.fields[name].disabled = True
                self.fields[name].help_text = "Only an admin can change this."


class TagForm(ScopedModelForm):
    unique_in_customer = ("name",)

    class Meta:
        model = Tag
        fields = ["name", "color", "description"]
        widgets = {"color": forms.TextInput(attrs={"type": "color"})}

    def clean_color(self) -> str:
        color = self.cleaned_data["color"]
        if len(color) != 7 or not color.startswith("#"):
            raise forms.ValidationError("Use a colour like #64748b.")
        try:
            int(color[1:], 16)
        except ValueError as exc:
            raise forms.ValidationError("Use a colour like #64748b.") from exc
        return color.lower()
