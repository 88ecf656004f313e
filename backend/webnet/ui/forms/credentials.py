"""The credential form: secrets are write-only — blank on edit keeps, a checkbox clears."""

from typing import Any

from django import forms

from webnet.devices.keys import validate_private_key
from webnet.devices.models import SECRET_FIELDS, Credential
from webnet.ui.forms.base import CHECKBOX_CLASS, ScopedModelForm

SECRET_LABELS = {
    "password": "Password",
    "enable_secret": "Enable secret",
    "ssh_private_key": "SSH private key",
}


class SecretTextarea(forms.Textarea):
    """A textarea that, like `PasswordInput(render_value=False)`, never renders what was typed:
    a form re-rendered with errors must not echo a private key back into the page."""

    def format_value(self, value: Any) -> None:
        return None


def _secret_field(name: str) -> forms.CharField:
    if name == "ssh_private_key":
        widget: forms.Widget = SecretTextarea(
            attrs={"rows": 4, "autocomplete": "off", "spellcheck": "false"}
        )
    else:
        widget = forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"})
    return forms.CharField(label=SECRET_LABELS[name], required=False, strip=False, widget=widget)


class CredentialForm(ScopedModelForm):
    unique_in_customer = ("name",)

    class Meta:
        model = Credential
        fields = ["name", "username", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        editing = self.instance.pk is not None
        for name in SECRET_FIELDS:
            field = _secret_field(name)
            field.widget.attrs["class"] = "input"
            has = editing and getattr(self.instance, f"has_{name}")
            if editing:
                field.help_text = "Set — leave blank to keep it." if has else "Not set."
            self.fields[name] = field
            if has:
                self.fields[f"clear_{name}"] = forms.BooleanField(
                    label=f"Clear the stored {SECRET_LABELS[name].lower()}",
                    required=False,
                    widget=forms.CheckboxInput(attrs={"class": f"form-checkbox {CHECKBOX_CLASS}"}),
                )

    def clean_ssh_private_key(self) -> str:
        value = self.cleaned_data.get("ssh_private_key", "")
        if value:
            validate_private_key(value)
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for name in SECRET_FIELDS:
            if cleaned.get(f"clear_{name}") and cleaned.get(name):
                self.add_error(name, "Either type a new value or clear it, not both.")
        return cleaned

    def service_data(self) -> dict[str, Any]:
        """Plain fields, plus each secret only when typed (set) or cleared (empty string)."""
        data = super().service_data()
        for name in SECRET_FIELDS:
            if self.cleaned_data.get(f"clear_{name}"):
                data[name] = ""
            elif self.cleaned_data.get(name):
                data[name] = self.cleaned_data[name]
        return data
