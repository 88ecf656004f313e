"""One database thread per process for the job runner's ORM work.

Handlers run on the event loop; every ORM call of the runner goes through `run_db`, which uses a
single worker thread: writes are serialized (SQLite-friendly), the loop never blocks on the
database, and request threads are not borrowed.
"""

import asyncio
import contextlib
import functools
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextvars import ContextVar
from typing import Any, TypeVar

from django.db import close_old_connections

T = TypeVar("T")

_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="webnet-db")
_in_handler: ContextVar[bool] = ContextVar("webnet_in_handler", default=False)


class HandlerTouchedDatabase(RuntimeError):
    """A kind's handler asked for the database: its inputs belong in the kind's prepare()."""


@contextlib.contextmanager
def handler_scope() -> Iterator[None]:
    """While a kind's handler runs (and in tasks it starts), run_db refuses."""
    token = _in_handler.set(True)
    try:
        yield
    finally:
        _in_handler.reset(token)


def in_handler() -> bool:
    return _in_handler.get()


def _with_fresh_connection(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    close_old_connections()
    return fn(*args, **kwargs)


async def run_db(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    if _in_handler.get():
        raise HandlerTouchedDatabase(
            f"a job kind's handler called {getattr(fn, '__name__', fn)!r}: "
            "give it its inputs in the kind's prepare()"
        )
    loop = asyncio.get_running_loop()
    call = functools.partial(_with_fresh_connection, fn, *args, **kwargs)
    return await loop.run_in_executor(_executor, call)
