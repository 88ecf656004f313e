"""Bearer API tokens (`Authorization: Bearer wn_…` or `Token wn_…`), stored hashed."""

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from webnet.core import access
from webnet.users.services import authenticate_token


class APITokenAuthentication(authentication.BaseAuthentication):
    keywords = ("bearer", "token")

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        header = authentication.get_authorization_header(request).decode("latin-1").split()
        if not header or header[0].lower() not in self.keywords:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Malformed Authorization header.")
        token = authenticate_token(header[1])
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed("Invalid, expired or revoked token.")
        user = token.user
        if token.customer_id and token.customer_id in access.withheld_customers(user):
            # A token for that customer only would see nothing: say why. (A token for all the
            # user's customers keeps working for the others; core.access hides this one.)
            raise exceptions.AuthenticationFailed(
                "This customer requires a TOTP second factor of its admins: set it up under "
                "Account → Two-factor login first."
            )
        user.api_token = token  # type: ignore[attr-defined]  # narrows roles in core.access
        return user, token

    def authenticate_header(self, request: Request) -> str:
        return "Bearer"


class APITokenScheme(OpenApiAuthenticationExtension):
    """Describes the token in the OpenAPI schema (Swagger's Authorize button, schemathesis)."""

    target_class = APITokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "http", "scheme": "bearer"}
