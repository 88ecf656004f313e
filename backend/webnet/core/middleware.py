"""Request middleware: a request id for each request (X-Request-ID when sane), a body limit."""

import re
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

from webnet.core.context import RequestContext, current
from webnet.core.numbers import parse_int

_SANE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def client_ip(request: HttpRequest) -> str | None:
    """The client address; X-Forwarded-For only when a trusted proxy sets it."""
    if getattr(settings, "TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = given if _SANE_ID.match(given) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        token = current.set(RequestContext(request_id=request_id, ip=client_ip(request)))
        try:
            response = self.get_response(request)
        finally:
            current.reset(token)
        response["X-Request-ID"] = request_id
        return response


def body_too_large() -> str:
    return f"Request body too large (at most {settings.WEBNET_MAX_REQUEST_BODY} bytes)."


class BodySizeLimitMiddleware:
    """A body declared larger than WEBNET_MAX_REQUEST_BODY answers 413 before anyone reads it.

    Why: Django only refuses an oversized body when a view reads it, with a SuspiciousOperation
    that DRF turned into a 500; and a view that never reads the body (a 404) would answer as if
    10 MB were fine. Bodies without a length are bounded by DATA_UPLOAD_MAX_MEMORY_SIZE (413 too,
    in core.errors).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        length = parse_int(request.META.get("CONTENT_LENGTH") or "0")
        if length is not None and length > settings.WEBNET_MAX_REQUEST_BODY:
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": body_too_large()}, status=413)
            return HttpResponse(body_too_large(), status=413, content_type="text/plain")
        return self.get_response(request)
