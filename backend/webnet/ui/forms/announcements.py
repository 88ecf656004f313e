"""Announcement form: audience nodes come through the gate; times are aware (the user's zone)."""

from typing import Any

from django import forms

from webnet.customers.roles import Role
from webnet.locations.models import Region, Site
from webnet.maintenance.models import Announcement
from webnet.ui.forms.base import ScopedModelForm

WHEN = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class AnnouncementForm(ScopedModelForm):
    audience_roles = forms.MultipleChoiceField(
        choices=Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Banner audience; none ticked: every role.",
    )

    class Meta:
        model = Announcement
        fields = [
            "title",
            "body",
            "priority",
            "on_banner",
            "on_status_page",
            "audience_roles",
            "audience_region",
            "audience_site",
            "is_draft",
            "publish_at",
            "expire_at",
        ]
        widgets = {"body": forms.Textarea(attrs={"rows": 5}), "publish_at": WHEN, "expire_at": WHEN}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.restrict_choices("audience_region", Region)
        self.restrict_choices("audience_site", Site)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        publish, expire = cleaned.get("publish_at"), cleaned.get("expire_at")
        if publish and expire and expire <= publish:
            self.add_error("expire_at", "Must be after the publish time.")
        if cleaned.get("audience_region") and cleaned.get("audience_site"):
            self.add_error("audience_site", "Give a region or a site, not both.")
        return cleaned
