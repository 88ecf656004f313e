"""Backup and restore of webnet itself: a portable database dump, the key ring and a manifest.

An archive (tar.gz, mode 0600: it holds the key ring) contains
- data.json: `dumpdata` with natural keys, so it loads into any database webnet supports;
- keyring: ENCRYPTION_KEY as it was (without it every stored secret is noise);
- manifest.json: format, versions, applied migrations, row counts and a SHA-256 of each file.

Restore goes into a fresh, migrated database and refuses archives that are damaged, from a newer
webnet (unknown migrations) or whose keys the running install cannot use.
"""

import hashlib
import io
import json
import os
import tarfile
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import django
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

FORMAT = 1
DATA, KEYRING, MANIFEST = "data.json", "keyring", "manifest.json"
# Rebuilt by migrate (content types, permissions) or worthless elsewhere (sessions).
EXCLUDED = ["contenttypes", "auth.permission", "sessions"]


class BackupError(Exception):
    """The archive cannot be written or must not be restored; the message says why."""


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _applied_migrations() -> list[list[str]]:
    return sorted([app, name] for app, name in MigrationLoader(connection).applied_migrations)


def _counts() -> dict[str, int]:
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
    }


def write_backup(path: Path) -> dict[str, Any]:
    """Write the archive to `path`; return its manifest."""
    out = io.StringIO()
    call_command(
        "dumpdata",
        exclude=EXCLUDED,
        natural_foreign=True,
        natural_primary=True,
        stdout=out,
        verbosity=0,
    )
    files = {
        DATA: out.getvalue().encode(),
        KEYRING: (",".join(settings.ENCRYPTION_KEYS) + "\n").encode(),
    }
    manifest = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "django": django.get_version(),
        "database": connection.vendor,
        "migrations": _applied_migrations(),
        "counts": _counts(),
        "files": {name: _sha256(data) for name, data in files.items()},
    }
    files[MANIFEST] = json.dumps(manifest, indent=2, sort_keys=True).encode()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size, info.mode, info.mtime = len(data), 0o600, int(timezone.now().timestamp())
            archive.addfile(info, io.BytesIO(data))
    return manifest


def read_archive(path: Path) -> tuple[dict[str, Any], dict[str, bytes]]:
    """The manifest and files of an archive, checksums verified."""
    try:
        with tarfile.open(path, mode="r:gz") as archive:
            files = {}
            for member in archive.getmembers():
                handle = archive.extractfile(member) if member.isfile() else None
                if handle is not None:
                    files[member.name] = handle.read()
    except (OSError, tarfile.TarError) as exc:
        raise BackupError(f"cannot read {path}: {exc}") from exc
    if MANIFEST not in files:
        raise BackupError("not a webnet backup: no manifest.json")
    manifest = json.loads(files[MANIFEST])
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unsupported backup format {manifest.get('format')!r}")
    for name, digest in manifest["files"].items():
        if name not in files or _sha256(files[name]) != digest:
            raise BackupError(f"{name} is missing or damaged (checksum mismatch)")
    return manifest, files


def _check_migrations(manifest: dict[str, Any]) -> None:
    known = set(MigrationLoader(connection, ignore_no_migrations=True).disk_migrations)
    unknown = [f"{app}.{name}" for app, name in manifest["migrations"] if (app, name) not in known]
    if unknown:
        raise BackupError(f"the backup is from a newer webnet (unknown migrations: {unknown[:5]})")


def _install_keys(backup_keys: list[str]) -> str:
    """Make the backup's keys usable: the state-dir key file, or say what ENCRYPTION_KEY needs."""
    current = [key for key in settings.ENCRYPTION_KEYS if key]
    if all(key in current for key in backup_keys):
        return "the running key ring already holds the backup's keys"
    if os.environ.get("ENCRYPTION_KEY"):
        raise BackupError(
            "ENCRYPTION_KEY lacks keys of this backup: set it to the archive's keyring "
            "(the backup's keys first) and run restore again"
        )
    ring = backup_keys + [key for key in current if key not in backup_keys]
    key_file = settings.STATE_DIR / "encryption_key"
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(",".join(ring) + "\n")
    settings.ENCRYPTION_KEYS = ring
    return f"key ring written to {key_file}"


def restore_backup(path: Path, report: Callable[[str], None]) -> dict[str, Any]:
    manifest, files = read_archive(path)
    call_command("migrate", interactive=False, verbosity=0)
    _check_migrations(manifest)
    users = apps.get_model(settings.AUTH_USER_MODEL)._base_manager
    if users.exists() or apps.get_model("customers", "Customer")._base_manager.exists():
        raise BackupError("the database is not empty: restore into a fresh database")
    report(_install_keys(files[KEYRING].decode().strip().split(",")))
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / DATA
        data.write_bytes(files[DATA])
        call_command("loaddata", str(data), verbosity=0)
    counts = _counts()
    differ = {
        label: (count, counts.get(label))
        for label, count in manifest["counts"].items()
        if label.split(".")[0] not in ("contenttypes", "auth", "sessions")
        and counts.get(label) != count
    }
    if differ:
        raise BackupError(f"row counts differ after loading: {differ}")
    return manifest
