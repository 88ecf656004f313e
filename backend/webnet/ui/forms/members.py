"""Membership forms: invite a user or create one, and change a role."""

from typing import Any

from django import forms

from webnet.customers.models import Role
from webnet.ui.forms.base import StyledForm


class MemberAddForm(StyledForm):
    username = forms.CharField(
        max_length=254,
        label="Username or email",
        help_text="Without a password: an invitation the user accepts from their account page.",
    )
    role = forms.ChoiceField(choices=Role.choices, initial=Role.VIEWER)
    password = forms.CharField(
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text="Only to create a new account with this username; leave empty to invite.",
    )
    email = forms.EmailField(required=False, help_text="Only used when creating a new user.")


class MemberRoleForm(StyledForm):
    role = forms.ChoiceField(choices=Role.choices)
    scope = forms.ChoiceField(
        required=False,
        label="Limited to",
        help_text="The member then sees only devices (and more) at this node and below it.",
    )

    def __init__(self, *args: Any, scopes: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scope = self.fields["scope"]
        assert isinstance(scope, forms.ChoiceField)  # declared above
        scope.choices = [("", "The whole customer"), *scopes]
