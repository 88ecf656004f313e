"""Template renders in worker processes with a wall-clock and a memory limit.

Why: the sandbox blocks escapes and its budgets stop the known bombs with a precise message, but a
template is code, and no budget counts everything (loops nested over a list, a filter chain that
allocates gigabytes). So a render runs in one of a few long-lived workers (started once and reused:
a render costs a pipe round trip, not a process start); a worker that runs past RENDER_SECONDS is
killed and replaced, and its address space is capped at RENDER_MEMORY so a memory bomb ends in
MemoryError instead of the server's OOM kill. Requests and answers are JSON (the context is plain
data), so even a template that got out of the sandbox could not make the server unpickle anything.

Run as `python -m webnet.config_mgmt.render_pool` it is the worker itself.
"""

import json
import os
import resource
import select
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO, Any

from webnet.config_mgmt.sandbox import TemplateRenderError, render_in_sandbox

RENDER_SECONDS = 1.0  # wall-clock per render
RENDER_MEMORY = 512 << 20  # bytes of address space per worker
POOL_SIZE = 2  # workers rendering at once (more renders wait for one)
START_SECONDS = 30.0  # a worker's start (Python, Jinja2) under load; not part of a render's time
_HEADER = struct.Struct(">I")
_PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])  # the folder holding `webnet`


class _WorkerGone(Exception):
    """The worker did not answer in time, or died (memory, crash)."""


def _frame(data: bytes) -> bytes:
    return _HEADER.pack(len(data)) + data


class _Worker:
    def __init__(self) -> None:
        path = [_PACKAGE_ROOT, os.environ.get("PYTHONPATH", "")]
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in path if p)}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "webnet.config_mgmt.render_pool"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
        )
        try:
            self.ask(b"", START_SECONDS)  # the worker's hello: it is ready
        except _WorkerGone:
            self.stop()
            raise

    def _read(self, size: int, deadline: float) -> bytes:
        assert self.process.stdout is not None
        fd = self.process.stdout.fileno()
        data = b""
        while len(data) < size:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise _WorkerGone("timeout")
            chunk = os.read(fd, size - len(data))
            if not chunk:
                raise _WorkerGone("died")
            data += chunk
        return data

    def ask(self, request: bytes, seconds: float) -> dict[str, Any]:
        """Send `request` (nothing: wait for the hello) and read the answer within `seconds`."""
        assert self.process.stdin is not None
        deadline = time.monotonic() + seconds
        if request:
            try:
                self.process.stdin.write(_frame(request))
                self.process.stdin.flush()
            except BrokenPipeError as exc:
                raise _WorkerGone("died") from exc
        (size,) = _HEADER.unpack(self._read(_HEADER.size, deadline))
        return json.loads(self._read(size, deadline))

    def close_pipes(self) -> None:
        for pipe in (self.process.stdin, self.process.stdout):
            if pipe is not None:
                pipe.close()

    def stop(self) -> None:
        self.process.kill()
        self.process.wait()
        self.close_pipes()


def _render_error(exc: _WorkerGone, seconds: float) -> TemplateRenderError:
    if exc.args[0] == "timeout":
        return TemplateRenderError(f"template takes too long (more than {seconds:g} s)")
    return TemplateRenderError("template needs too much memory (or crashed the renderer)")


class RenderPool:
    """Up to `size` workers; idle ones are kept for the next render."""

    def __init__(self, size: int = POOL_SIZE, seconds: float = RENDER_SECONDS) -> None:
        self.seconds = seconds
        self._slots = threading.BoundedSemaphore(size)
        self._lock = threading.Lock()
        self._idle: list[_Worker] = []
        os.register_at_fork(after_in_child=self._forget_parents_workers)

    def _forget_parents_workers(self) -> None:
        """In a forked child: the parent's workers are the parent's; drop our copies of pipes."""
        for worker in self._idle:
            worker.close_pipes()
        self._lock = threading.Lock()
        self._idle = []

    def render(self, body: str, context: dict[str, Any]) -> str:
        """`body` rendered in a worker, or TemplateRenderError (also for time and memory)."""
        request = json.dumps([body, context], default=str).encode()
        with self._slots:
            with self._lock:
                worker = self._idle.pop() if self._idle else None
            if worker is not None and worker.process.poll() is not None:  # died while idle
                worker.stop()
                worker = None
            try:
                worker = worker or _Worker()
                reply = worker.ask(request, self.seconds)
            except _WorkerGone as exc:
                if worker is not None:
                    worker.stop()
                raise _render_error(exc, self.seconds) from exc
            with self._lock:
                self._idle.append(worker)
        if "error" in reply:
            raise TemplateRenderError(reply["error"], reply["line"])
        return str(reply["output"])


def _read_frame(stream: IO[bytes]) -> bytes | None:
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        return None
    return stream.read(_HEADER.unpack(header)[0])


def serve() -> None:
    """The worker: render each request from stdin, answer on stdout, until stdin closes."""
    resource.setrlimit(resource.RLIMIT_AS, (RENDER_MEMORY, RENDER_MEMORY))
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    stdout.write(_frame(b'{"ready": true}'))
    stdout.flush()
    while (request := _read_frame(stdin)) is not None:
        body, context = json.loads(request)
        try:
            reply: dict[str, Any] = {"output": render_in_sandbox(body, context)}
        except TemplateRenderError as exc:
            reply = {"error": exc.message, "line": exc.line}
        stdout.write(_frame(json.dumps(reply).encode()))
        stdout.flush()


if __name__ == "__main__":
    serve()
