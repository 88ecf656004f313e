"""manage.py rotate_encryption_key — re-encrypt every secret with the first key of the ring.

Put a new key first in ENCRYPTION_KEY (keep the old ones after it), run this, then drop the old
keys. Models declare their ciphertext columns in `encrypted_fields`.
"""

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from webnet.core import crypto


class Command(BaseCommand):
    help = "Re-encrypt all stored secrets with the current (first) ENCRYPTION_KEY."

    def handle(self, *args: Any, **options: Any) -> None:
        total = 0
        try:
            with transaction.atomic():
                for model in apps.get_models():
                    fields = getattr(model, "encrypted_fields", ())
                    if fields:
                        total += self._rotate(model, fields)
        except crypto.DecryptionError as exc:
            raise CommandError(f"{exc}; nothing was changed") from exc
        self.stdout.write(f"re-encrypted {total} secret(s) with the current key")

    @staticmethod
    def _rotate(model: Any, fields: tuple[str, ...]) -> int:
        count = 0
        for obj in model._base_manager.only("pk", *fields).iterator():
            for name in fields:
                value = getattr(obj, name)
                if value:
                    setattr(obj, name, crypto.rotate(value))
                    count += 1
            obj.save(update_fields=list(fields))
        return count
