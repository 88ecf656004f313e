"""Per-request context (request id, client IP, acting user) carried in context variables.

Set by middleware and read by audit and logging, so services need not thread the request through.
"""

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    request_id: str = ""
    ip: str | None = None


# RequestContext is frozen, so sharing the default instance is safe.
current: ContextVar[RequestContext] = ContextVar(
    "webnet_request",
    default=RequestContext(),  # noqa: B039
)
