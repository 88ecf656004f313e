"""One scaled-out stack for the whole module: PostgreSQL, Redis, Daphne, two workers, beat, lab.

Needs PostgreSQL's and Redis's Debian packages (`make test` installs them); without them the
suite is skipped with that reason, never silently.
"""

import glob
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from webnet.tests.scaled.stack import Stack

MISSING = [
    name
    for name, found in (
        ("postgresql", glob.glob("/usr/lib/postgresql/*/bin/initdb")),
        ("redis-server", shutil.which("redis-server")),
    )
    if not found
]


@pytest.fixture(scope="session")
def stack() -> Iterator[Stack]:
    if MISSING:
        pytest.skip(f"not installed: {', '.join(MISSING)} (make test installs them)")
    # Not tmp_path: PostgreSQL's owner must be able to reach its directory.
    root = Path(tempfile.mkdtemp(prefix="webnet-scaled-"))
    root.chmod(0o755)
    stack = Stack(root)
    try:
        stack.start()
        yield stack
    finally:
        stack.stop()
        shutil.rmtree(root, ignore_errors=True)
