"""The Jinja2 sandbox golden config templates run in: escapes blocked, every value budgeted.

Why: a template is code written by a tenant user. The sandbox blocks attribute tricks
(`''.__class__.__mro__`, `cycler.__init__.__globals__`, `_private` names), `StrictUndefined` turns a
missing variable into an error instead of an empty line pushed to a router, and budgets stop the
bombs with a precise message: `range()` items, `lipsum()` size, the length of every string or list
an operator, filter or method call builds, the size of integers, and the output. What no budget
counts (loops nested over a list, say) the worker process stops (see render_pool).
"""

import functools
import traceback
from collections.abc import Callable, Iterator
from types import CodeType
from typing import Any

from jinja2 import StrictUndefined, TemplateSyntaxError, UndefinedError
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import generate_lorem_ipsum

MAX_RANGE_TOTAL = 100_000  # range() items per render, all calls together
MAX_SEQUENCE = 10_000  # length of a string/list built with `*`
MAX_VALUE = 1_000_000  # length of any string or list a call, filter or operator returns
MAX_INT_BITS = 10_000  # bits of an integer built with `*` or `**` (about 3,000 digits)
MAX_LIPSUM_WORDS = 10_000  # lipsum(n, max=...) words, n * max
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


def _lipsum(n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> str:
    if n * max > MAX_LIPSUM_WORDS:
        raise SecurityError(f"lipsum() too large: at most {MAX_LIPSUM_WORDS} words")
    return generate_lorem_ipsum(n, html, min, max)


def _checked(value: Any) -> Any:
    """`value`, unless it is a string or list longer than any template needs."""
    if isinstance(value, str | list | tuple) and len(value) > MAX_VALUE:
        raise SecurityError(f"value too large (at most {MAX_VALUE} characters or items)")
    return value


def _checked_filter(func: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(func)  # keeps jinja_pass_arg (pass_context, pass_environment)
    def checked(*args: Any, **kwargs: Any) -> Any:
        return _checked(func(*args, **kwargs))

    return checked


def _int_bits(value: Any) -> int:
    return value.bit_length() if isinstance(value, int) else 0


class _Environment(ImmutableSandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.filters = {name: _checked_filter(f) for name, f in self.filters.items()}
        self.globals["lipsum"] = _lipsum

    def getattr(self, obj: Any, attribute: str) -> Any:
        if attribute.startswith("_"):  # also for dict keys reached with a dot
            return self.unsafe_undefined(obj, attribute)
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        if isinstance(argument, str) and argument.startswith("_"):
            return self.unsafe_undefined(obj, argument)
        return super().getitem(obj, argument)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        return _checked(super().call(__context, __obj, *args, **kwargs))

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**":
            if isinstance(right, int | float) and abs(right) > 1_000:
                raise SecurityError("exponent too large (at most 1000)")
            if _int_bits(left) * (right if isinstance(right, int) else 0) > MAX_INT_BITS:
                raise SecurityError(f"number too large (at most {MAX_INT_BITS} bits)")
            return left**right
        if operator == "*":
            if _int_bits(left) + _int_bits(right) > MAX_INT_BITS:
                raise SecurityError(f"number too large (at most {MAX_INT_BITS} bits)")
            for sequence, count in ((left, right), (right, left)):
                if (
                    isinstance(sequence, str | list | tuple)
                    and isinstance(count, int)
                    and len(sequence) * count > MAX_SEQUENCE
                ):
                    raise SecurityError(f"sequence too long (at most {MAX_SEQUENCE} items)")
        return _checked(self.binop_table[operator](left, right))


def _environment() -> _Environment:
    return _Environment(
        undefined=StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


_ENV = _environment()  # configuration only; each render brings its own budget


@functools.lru_cache(maxsize=64)
def _compiled(body: str) -> CodeType:
    """Compiling dominates a small render; a preview renders one body for many devices."""
    return _ENV.compile(body, filename=TEMPLATE_FILE)


def check_syntax(body: str) -> None:
    """Raise TemplateRenderError if `body` does not parse (used when a template is saved)."""
    try:
        _ENV.parse(body)
    except TemplateSyntaxError as exc:
        raise TemplateRenderError(f"syntax error: {exc.message}", exc.lineno) from exc
    except RecursionError as exc:
        raise TemplateRenderError("syntax error: nested too deeply") from exc


def _template_line(exc: BaseException) -> int | None:
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == TEMPLATE_FILE]
    return frames[-1].lineno if frames else None


def render_in_sandbox(body: str, context: dict[str, Any]) -> str:
    """Render `body` with `context` (plain data only) here, or raise TemplateRenderError."""
    budget = _Budget()
    try:
        code = _compiled(body)
        template = _ENV.template_class.from_code(
            _ENV, code, _ENV.make_globals({"range": budget.range}), None
        )
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
    except MemoryError as exc:
        raise TemplateRenderError("template needs too much memory", None) from exc
    except RecursionError as exc:
        raise TemplateRenderError("template too complex", None) from exc
    except Exception as exc:  # any other template bug: a clear message, never a 500
        raise TemplateRenderError(
            f"{type(exc).__name__}: {exc}"[:300], _template_line(exc)
        ) from exc
