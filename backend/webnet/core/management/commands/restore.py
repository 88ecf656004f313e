"""manage.py restore ARCHIVE — bring a backup back into a fresh database (see core/backup.py)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from webnet.core.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = "Restore a backup archive into a fresh database, with its encryption key ring."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            manifest = restore_backup(options["archive"], self.stdout.write)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["counts"].values())
        self.stdout.write(f"restored {rows} rows from a backup of {manifest['created_at']}")
