"""manage.py backup / restore: a credential encrypted by one install decrypts after a restore into
a fresh database of another install (its own state dir, its own generated key)."""

import io
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

import webnet

BACKEND = Path(webnet.__file__).resolve().parent.parent
SECRET = "restored-secret-7f3a"
SEED = f"""
from webnet.customers import services as customers
from webnet.devices import services as devices
customer = customers.create_customer(None, {{"name": "Kept ISP", "slug": "kept"}})
devices.create_credential(None, {{"customer": customer, "name": "core", "username": "netops",
                                  "password": "{SECRET}"}})
"""
READ = """
from webnet.core import crypto
from webnet.devices.models import Credential
print(crypto.decrypt(Credential.objects.get(name="core").password_encrypted))
"""


def _manage(state: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "WEBNET_STATE_DIR": str(state), "LOG_LEVEL": "WARNING"}
    for name in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "ENCRYPTION_KEY"):
        env.pop(name, None)
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BACKEND,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    if check:
        assert done.returncode == 0, done.stderr[-3000:]
    return done


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = tmp_path_factory.mktemp("backup") / "source"
    _manage(source, "migrate", "--no-input")
    _manage(source, "shell", "-c", SEED)
    path = source.parent / "webnet.tar.gz"
    _manage(source, "backup", str(path))
    return path


def test_backup_holds_data_keys_and_a_manifest(archive: Path) -> None:
    assert archive.stat().st_mode & 0o077 == 0  # the key ring is inside
    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
        manifest = json.load(tar.extractfile("manifest.json"))  # type: ignore[arg-type]
        keyring = tar.extractfile("keyring").read().decode().strip()  # type: ignore[union-attr]
    assert names == {"data.json", "keyring", "manifest.json"}
    assert set(manifest["files"]) == {"data.json", "keyring"}
    assert manifest["counts"]["devices.Credential"] == 1
    assert manifest["counts"]["customers.Customer"] == 1
    assert ["devices", "0001_initial"] in manifest["migrations"]
    assert keyring == (archive.parent / "source" / "encryption_key").read_text().strip()


def test_restore_into_a_fresh_database_decrypts_the_credential(
    archive: Path, tmp_path: Path
) -> None:
    target = tmp_path / "target"
    done = _manage(target, "restore", str(archive))
    assert "restored" in done.stdout
    assert _manage(target, "shell", "-c", READ).stdout.strip().splitlines()[-1] == SECRET
    again = _manage(target, "restore", str(archive), check=False)
    assert again.returncode != 0 and "not empty" in again.stderr


def test_a_damaged_archive_is_refused(archive: Path, tmp_path: Path) -> None:
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive) as tar, tarfile.open(damaged, "w:gz") as out:
        for member in tar.getmembers():
            data = tar.extractfile(member).read()  # type: ignore[union-attr]
            if member.name == "data.json":
                data = data.replace(b"Kept ISP", b"Evil ISP")
            member.size = len(data)
            out.addfile(member, io.BytesIO(data))
    done = _manage(tmp_path / "target", "restore", str(damaged), check=False)
    assert done.returncode != 0 and "checksum" in done.stderr
