"""Golden config template form: platforms as checkboxes, the variables schema as JSON."""

from typing import Any

from django import forms

from webnet.config_mgmt.models import ConfigTemplate
from webnet.devices.platforms import Platform
from webnet.ui.forms.base import ScopedModelForm


class ConfigTemplateForm(ScopedModelForm):
    unique_in_customer = ("name",)
    platforms = forms.MultipleChoiceField(
        choices=Platform.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: every platform.",
    )

    class Meta:
        model = ConfigTemplate
        fields = ["name", "description", "platforms", "body", "variables"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "body": forms.Textarea(attrs={"rows": 16, "class": "input font-mono text-xs"}),
            "variables": forms.Textarea(attrs={"rows": 6, "class": "input font-mono text-xs"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["variables"].help_text = (
            'JSON list, e.g. [{"name": "ntp", "type": "ip", "required": true}] — '
            "types: string, int, bool, ip, list."
        )
        self.fields["variables"].required = False
