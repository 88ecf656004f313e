"""One database thread per process for the job runner's ORM work.

Handlers run on the event loop; every ORM call of the runner goes through `run_db`, which uses a
single worker thread: writes are serialized (SQLite-friendly), the loop never blocks on the
database, and request threads are not borrowed.
"""

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from django.db import close_old_connections

T = TypeVar("T")

_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="webnet-db")


def _with_fresh_connection(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    close_old_connections()
    return fn(*args, **kwargs)


async def run_db(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    loop = asyncio.get_running_loop()
    call = functools.partial(_with_fresh_connection, fn, *args, **kwargs)
    return await loop.run_in_executor(_executor, call)
