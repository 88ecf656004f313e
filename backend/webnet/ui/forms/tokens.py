"""The API token form: a customer limited to the user's own customers, optional expiry."""

from typing import Any

from django import forms
from django.utils import timezone

from webnet.customers.models import Customer
from webnet.ui.forms.base import StyledForm


class TokenForm(StyledForm):
    name = forms.CharField(max_length=100)
    customer = forms.ModelChoiceField(
        queryset=Customer.objects.none(),
        required=False,
        empty_label="All my customers",
        help_text="Limit the token to one customer.",
    )
    read_only = forms.BooleanField(required=False, help_text="The token can only read.")
    expires_at = forms.DateTimeField(
        required=False,
        label="Expires at",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
        help_text="Empty: never expires.",
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = (  # type: ignore[attr-defined]
            Customer.objects.restrict(user, "view").filter(is_active=True)
        )

    def clean_expires_at(self) -> Any:
        value = self.cleaned_data.get("expires_at")
        if value is not None and value <= timezone.now():
            raise forms.ValidationError("The expiry must be in the future.")
        return value
