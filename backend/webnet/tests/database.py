"""The test database as another process reaches it (a child `manage.py` on the same rows)."""

from pathlib import Path
from urllib.parse import quote

from django.db import connection


def database_url() -> str:
    """The test database as a DATABASE_URL."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    credentials = f"{quote(db['USER'] or '')}:{quote(db['PASSWORD'] or '')}"
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
