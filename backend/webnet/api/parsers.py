"""The API's JSON parser: DRF's, with a nesting limit.

Why: Python's json module recurses per nesting level, so `[[[[…` 100,000 deep raised
RecursionError (a 500), and a body a few hundred levels deep parsed but then broke the code that
walks it (serializers, JSON fields, audit diffs). Nothing webnet accepts nests deeper than
MAX_DEPTH. The body's size is bounded before any parser runs (core.middleware.BodySizeLimit).
"""

from collections.abc import Mapping
from typing import Any

from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.request import Request

MAX_DEPTH = 32


def nesting_depth(value: Any) -> int:
    """How deeply lists and dicts nest in `value` (a scalar is 0), without recursion."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            depth += 1
            deepest = max(deepest, depth)
            if deepest > MAX_DEPTH:
                return deepest
            stack.extend(
                (child, depth) for child in (item.values() if isinstance(item, dict) else item)
            )
    return deepest


class BoundedJSONParser(JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise ParseError(f"JSON nested too deeply (at most {MAX_DEPTH} levels)") from exc
        if nesting_depth(data) > MAX_DEPTH:
            raise ParseError(f"JSON nested too deeply (at most {MAX_DEPTH} levels)")
        return data


def body_object(request: Request) -> Mapping[str, Any]:
    """The body of an action that reads named fields: a JSON list or scalar there is a 400,
    not an AttributeError (a 500)."""
    if not isinstance(request.data, Mapping):
        raise ValidationError({"non_field_errors": ["Send a JSON object."]})
    return request.data
