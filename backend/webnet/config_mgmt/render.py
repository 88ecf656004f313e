"""Golden config rendering: untrusted Jinja2 in a sandbox, typed variables, plain-dict context.

Why: a template is code written by a tenant user. The sandbox blocks attribute tricks
(`''.__class__.__mro__`, `cycler.__init__.__globals__`, `_private` names), `StrictUndefined` turns a
missing variable into an error instead of an empty line pushed to a router, and budgets cap
`range()`, `*`/`**` and output size so a template cannot stall the server. The context is built
from plain dicts (never ORM objects), so nothing reachable from it can touch the database.
"""

import ipaddress
import traceback
from collections.abc import Iterator
from typing import Any

from jinja2 import StrictUndefined, TemplateSyntaxError, UndefinedError
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

MAX_RANGE_TOTAL = 100_000  # range() items per render, all calls together
MAX_SEQUENCE = 10_000  # length of a string/list built with `*`
MAX_POWER = 1_000  # largest exponent of `**`
MAX_OUTPUT = 1_000_000  # characters of rendered output
TEMPLATE_FILE = "<template>"


class TemplateRenderError(Exception):
    """Why a template could not render, for people: a message and, when known, the line."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line

    def as_dict(self) -> dict[str, Any]:
        return {"message": self.message, "line": self.line}

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


class _Budget:
    def __init__(self) -> None:
        self.left = MAX_RANGE_TOTAL

    def range(self, *args: int) -> Iterator[int]:
        numbers = range(*args)
        if len(numbers) > self.left:
            raise SecurityError(f"range() too large: at most {MAX_RANGE_TOTAL} items per render")
        self.left -= len(numbers)
        return iter(numbers)


class _Environment(ImmutableSandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**"})

    def getattr(self, obj: Any, attribute: str) -> Any:
        if attribute.startswith("_"):  # also for dict keys reached with a dot
            return self.unsafe_undefined(obj, attribute)
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        if isinstance(argument, str) and argument.startswith("_"):
            return self.unsafe_undefined(obj, argument)
        return super().getitem(obj, argument)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**":
            if isinstance(right, int | float) and abs(right) > MAX_POWER:
                raise SecurityError(f"exponent too large (at most {MAX_POWER})")
            return left**right
        for sequence, count in ((left, right), (right, left)):
            if (
                isinstance(sequence, str | list | tuple)
                and isinstance(count, int)
                and len(sequence) * count > MAX_SEQUENCE
            ):
                raise SecurityError(f"sequence too long (at most {MAX_SEQUENCE} items)")
        return left * right


def _environment() -> _Environment:
    return _Environment(
        undefined=StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def check_syntax(body: str) -> None:
    """Raise TemplateRenderError if `body` does not parse (used when a template is saved)."""
    try:
        _environment().parse(body)
    except TemplateSyntaxError as exc:
        raise TemplateRenderError(f"syntax error: {exc.message}", exc.lineno) from exc


def _template_line(exc: BaseException) -> int | None:
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == TEMPLATE_FILE]
    return frames[-1].lineno if frames else None


def render_text(body: str, context: dict[str, Any]) -> str:
    """Render `body` with `context` (plain data only) or raise TemplateRenderError."""
    env = _environment()
    budget = _Budget()
    try:
        template = env.from_string(body, globals={"range": budget.range})
        template.filename = TEMPLATE_FILE
        output: list[str] = []
        size = 0
        for chunk in template.generate(**context):
            size += len(chunk)
            if size > MAX_OUTPUT:
                raise SecurityError(f"output too large (at most {MAX_OUTPUT} characters)")
            output.append(chunk)
        return "".join(output)
    except TemplateSyntaxError as exc:
        raise TemplateRenderError(f"syntax error: {exc.message}", exc.lineno) from exc
    except UndefinedError as exc:
        raise TemplateRenderError(f"undefined: {exc.message}", _template_line(exc)) from exc
    except SecurityError as exc:
        raise TemplateRenderError(f"not allowed: {exc}", _template_line(exc)) from exc
    except (RecursionError, MemoryError) as exc:
        raise TemplateRenderError("template too complex", None) from exc
    except Exception as exc:  # any other template bug: a clear message, never a 500
        raise TemplateRenderError(
            f"{type(exc).__name__}: {exc}"[:300], _template_line(exc)
        ) from exc


def _coerce(kind: str, value: Any) -> Any:
    if kind == "string":
        if isinstance(value, dict | list):
            raise ValueError("expected a string")
        return str(value)
    if kind == "int":
        if isinstance(value, bool):
            raise ValueError("expected an integer")
        return int(str(value).strip())
    if kind == "bool":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("true", "yes", "1", "on"):
            return True
        if text in ("false", "no", "0", "off"):
            return False
        raise ValueError("expected true or false")
    if kind == "ip":
        text = str(value).strip()
        try:
            return str(ipaddress.ip_address(text))
        except ValueError:
            return str(ipaddress.ip_interface(text))
    if kind == "list":
        if isinstance(value, list):
            return [str(item) if not isinstance(item, int | bool) else item for item in value]
        return [item.strip() for item in str(value).split(",") if item.strip()]
    raise ValueError(f"unknown type {kind!r}")


def resolve_variables(schema: list[dict[str, Any]], values: dict[str, Any]) -> dict[str, Any]:
    """Typed variable values: schema defaults, then `values`; every problem reported at once."""
    resolved: dict[str, Any] = {}
    errors: list[str] = []
    for spec in schema:
        name, kind = spec["name"], spec.get("type", "string")
        if name in values and values[name] not in (None, ""):
            raw = values[name]
        elif spec.get("default") not in (None, ""):
            raw = spec["default"]
        elif spec.get("required"):
            errors.append(f"missing variable {name!r}")
            continue
        else:
            resolved[name] = None
            continue
        try:
            resolved[name] = _coerce(kind, raw)
        except ValueError as exc:
            errors.append(f"variable {name!r} ({kind}): bad value {str(raw)[:50]!r}: {exc}")
    extra = {
        k: v
        for k, v in values.items()
        if k not in resolved and k not in {s["name"] for s in schema}
    }
    if errors:
        raise TemplateRenderError("; ".join(errors))
    return {**extra, **resolved}
