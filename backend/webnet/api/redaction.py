"""The serializers' access to secret masking: one Redactor per response, for the requester."""

from typing import Any

from webnet.config_mgmt.redact import Redactor


def redactor(context: dict[str, Any]) -> Redactor:
    """Kept in the serializer context so a list asks the role once per customer.

    No request in the context (a response built without one) means no one who may see secrets.
    """
    request = context.get("request")
    return context.setdefault("redactor", Redactor(getattr(request, "user", None)))
