"""The lab BNG on an event loop in a thread, so synchronous ORM code can talk to it."""

import asyncio
import threading
from collections.abc import Coroutine
from typing import Any

from webnet.lab.bng import Bng, BngOptions


class ThreadedBng:
    def __init__(self, options: BngOptions) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.bng = Bng(options)
        self.call(self.bng.start())

    def call(self, coroutine: Coroutine[Any, Any, Any], timeout: float = 10) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def close(self) -> None:
        self.call(self.bng.stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=5)
        self.loop.close()
