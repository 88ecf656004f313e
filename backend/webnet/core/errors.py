"""API error handling: field messages for bad input, a generic body (with request id) for bugs."""

import logging
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.db.models import ProtectedError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from webnet.core.context import current
from webnet.core.middleware import body_too_large

logger = logging.getLogger("webnet.errors")


class _TooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"


def _as_drf(exc: Exception) -> Exception:
    if isinstance(exc, DjangoValidationError):
        detail = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        return exceptions.ValidationError(detail)
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(str(exc) or None)
    if isinstance(exc, RequestDataTooBig):  # a body without a length, read past the limit
        return _TooLarge(body_too_large())
    if isinstance(exc, ProtectedError):  # e.g. a site that still holds devices
        return exceptions.ValidationError(
            {"non_field_errors": ["This is still in use; move or delete what uses it first."]}
        )
    if isinstance(exc, IntegrityError):
        return exceptions.ValidationError(
            {"non_field_errors": ["This conflicts with an existing object."]}
        )
    return exc


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    exc = _as_drf(exc)
    response = exception_handler(exc, context)
    if response is not None:
        return response
    request_id = current.get().request_id
    logger.exception("unhandled API error", extra={"request_id": request_id})
    return Response(
        {"detail": "Internal server error.", "request_id": request_id},
        status=status.HTTP_500_INTERNAL_SERVER_ERROR,
    )
