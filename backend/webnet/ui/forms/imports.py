"""The CSV upload form."""

from django import forms

from webnet.ui.forms.base import StyledForm


class ImportUploadForm(StyledForm):
    file = forms.FileField(
        label="CSV file",
        help_text="Columns: hostname, management_host, "
        "platform, and optionally port, vendor, model, serial_number, "
        "os_version, role, site, tags (;-separated), credential, latitude, "
        "longitude, description, enabled — the device list's CSV export has them.",
    )
    on_existing = forms.TypedChoiceField(
        label="A device that already exists",
        choices=[
            ("error", "is an error"),
            ("skip", "is left alone"),
            ("update", "is updated from its row"),
        ],
        initial="error",
        required=False,
        empty_value="error",
    )
    existing_sites_only = forms.BooleanField(
        label="Only existing sites (a row naming an unknown site is an error; else it is created)",
        required=False,
    )
