"""The serializers' access to secret masking: one Redactor per response, for the requester."""

from collections.abc import Mapping, MutableMapping
from typing import Any

from webnet.config_mgmt.redact import Redactor


def redactor(context: Mapping[str, Any]) -> Redactor:
    """Kept in the serializer context so a list asks the role once per customer (DRF's context
    is a dict; its type says Mapping, so a read-only one just gets a fresh Redactor).

    No request in the context (a response built without one) means no one who may see secrets.
    """
    kept = context.get("redactor")
    if isinstance(kept, Redactor):
        return kept
    made = Redactor(getattr(context.get("request"), "user", None))
    if isinstance(context, MutableMapping):
        context["redactor"] = made
    return made
