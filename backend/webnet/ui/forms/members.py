"""Membership forms: add an existing user or create one, and change a role."""

from django import forms

from webnet.customers.models import Role
from webnet.ui.forms.base import StyledForm


class MemberAddForm(StyledForm):
    username = forms.CharField(max_length=150)
    role = forms.ChoiceField(choices=Role.choices, initial=Role.VIEWER)
    password = forms.CharField(
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text="Only to create a new user; leave empty to add an existing user.",
    )
    email = forms.EmailField(required=False, help_text="Only used when creating a new user.")


class MemberRoleForm(StyledForm):
    role = forms.ChoiceField(choices=Role.choices)
