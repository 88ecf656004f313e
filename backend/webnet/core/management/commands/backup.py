"""manage.py backup ARCHIVE — the database, the encryption key ring and a manifest in one file."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from webnet.core.backup import write_backup


class Command(BaseCommand):
    help = "Write a backup archive (tar.gz, mode 0600: it contains the key ring)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        manifest = write_backup(options["archive"])
        rows = sum(manifest["counts"].values())
        self.stdout.write(f"backup written to {options['archive']} ({rows} rows)")
