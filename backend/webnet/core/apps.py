from typing import Any

from django.apps import AppConfig
from django.db.backends.signals import connection_created

from webnet.saferegex import sql_regexp


def _safe_sqlite_regexp(sender: Any, connection: Any, **kwargs: Any) -> None:
    """SQLite's REGEXP (Django registers Python's backtracking `re`) replaced by RE2."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("REGEXP", 2, sql_regexp, deterministic=True)


class CoreConfig(AppConfig):
    name = "webnet.core"

    def ready(self) -> None:
        connection_created.connect(_safe_sqlite_regexp, dispatch_uid="webnet-safe-regexp")
