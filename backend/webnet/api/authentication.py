"""Bearer API tokens (`Authorization: Bearer wn_…` or `Token wn_…`), stored hashed."""

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from webnet.users import totp
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
        if totp.lacks_required_enrolment(user):
            raise exceptions.AuthenticationFailed(
                "This account must enrol a TOTP second factor (Account → Two-factor) first."
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
