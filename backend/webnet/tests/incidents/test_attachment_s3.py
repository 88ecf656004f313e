"""Room attachments in an S3-compatible bucket: the real django-storages backend against moto's
S3 server, run as its own process on 127.0.0.1 (a peer we did not write), and checked with a
separate boto3 client, not through our code."""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path

import boto3
import pytest
from django.conf import settings as django_settings
from PIL import Image

from webnet.incidents import attachments, rooms
from webnet.tests import factories as f
from webnet.tests.incidents.test_attachments import _room, _upload, eventually, image_bytes

KEYS = {"aws_access_key_id": "webnet-test", "aws_secret_access_key": "webnet-test-secret"}
REGION = "us-east-1"


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while socket.socket().connect_ex(("127.0.0.1", port)) != 0:
            assert server.poll() is None and time.monotonic() < deadline, "moto did not start"
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)


def _bucket(endpoint: str, name: str):  # type: ignore[no-untyped-def]
    """A fresh bucket, and a client of our own to look into it."""
    client = boto3.client("s3", endpoint_url=endpoint, region_name=REGION, **KEYS)
    client.create_bucket(Bucket=name)
    return client


def _objects(client, bucket: str) -> dict[str, bytes]:  # type: ignore[no-untyped-def]
    listed = client.list_objects_v2(Bucket=bucket).get("Contents", [])
    return {o["Key"]: client.get_object(Bucket=bucket, Key=o["Key"])["Body"].read() for o in listed}


def _store_in(settings, endpoint: str, bucket: str):  # type: ignore[no-untyped-def]
    """A fresh bucket as the `attachments` storage (django-storages' S3 backend), and a client
    of our own to look into it."""
    settings.STORAGES = {
        **settings.STORAGES,
        "attachments": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": bucket,
                "endpoint_url": endpoint,
                "region_name": REGION,
                "access_key": KEYS["aws_access_key_id"],
                "secret_key": KEYS["aws_secret_access_key"],
                "file_overwrite": False,
                "default_acl": None,
            },
        },
    }
    return _bucket(endpoint, bucket)


@pytest.mark.django_db
def test_attachments_and_thumbnails_live_in_the_bucket_and_are_served_to_members(
    s3_endpoint,
    settings,
    client,  # type: ignore[no-untyped-def]
) -> None:
    s3 = _store_in(settings, s3_endpoint, "rooms")
    room, operator, viewer = _room()
    png = image_bytes((800, 400), "PNG")
    message = attachments.attach(viewer, room, _upload("shot.png", png, "image/png"))
    attachment = message.attachments.get()
    stored = _objects(s3, "rooms")
    key, thumb_key = str(attachment.file.name), str(attachment.thumbnail.name)
    assert stored[key] == png and thumb_key in stored and len(stored) == 2
    assert thumb_key.startswith("chat/thumbs/")
    client.force_login(operator)
    got = client.get(f"/rooms/attachments/{attachment.pk}/")
    assert (got.status_code, b"".join(got.streaming_content)) == (200, png)
    thumb = client.get(f"/rooms/attachments/{attachment.pk}/thumbnail/")
    assert thumb["Content-Type"] == "image/webp"
    assert Image.open(BytesIO(b"".join(thumb.streaming_content))).size == (320, 160)
    client.force_login(f.MembershipFactory(customer=room.customer).user)  # not a member
    assert client.get(f"/rooms/attachments/{attachment.pk}/").status_code == 404
    s3.delete_object(Bucket="rooms", Key=key)  # gone from the store
    client.force_login(operator)
    assert client.get(f"/rooms/attachments/{attachment.pk}/").status_code == 404
    assert rooms.message_wire(message)["attachments"][0]["thumbnail_url"]


@pytest.mark.django_db
def test_a_deleted_message_takes_its_objects_out_of_the_bucket_after_commit(
    s3_endpoint,
    settings,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    s3 = _store_in(settings, s3_endpoint, "deleted")
    room, _, viewer = _room()
    message = attachments.attach(
        viewer, room, _upload("shot.png", image_bytes((640, 480), "PNG"), "image/png")
    )
    kept = attachments.attach(viewer, room, _upload("t.txt", b"stays", "text/plain"))
    assert len(_objects(s3, "deleted")) == 3  # the image, its thumbnail, the text
    with django_capture_on_commit_callbacks(execute=True):
        rooms.delete_message(viewer, message)
        assert len(_objects(s3, "deleted")) == 3  # not before the commit
    left = {str(kept.attachments.get().file.name): b"stays"}
    assert eventually(lambda: _objects(s3, "deleted") == left)


def test_the_env_vars_select_the_bucket(s3_endpoint, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The README's variables, read by settings at start-up, put files in the bucket."""
    s3 = _bucket(s3_endpoint, "from-env")
    env = {
        **os.environ,
        "WEBNET_STATE_DIR": str(tmp_path),
        "WEBNET_ATTACHMENT_S3_BUCKET": "from-env",
        "WEBNET_ATTACHMENT_S3_ENDPOINT_URL": s3_endpoint,
        "WEBNET_ATTACHMENT_S3_REGION": REGION,
        "WEBNET_ATTACHMENT_S3_ACCESS_KEY_ID": KEYS["aws_access_key_id"],
        "WEBNET_ATTACHMENT_S3_SECRET_ACCESS_KEY": KEYS["aws_secret_access_key"],
        "WEBNET_ATTACHMENT_S3_PREFIX": "webnet",
    }
    script = (
        "from django.core.files.base import ContentFile;"
        "from webnet.incidents.models.rooms import attachment_storage;"
        "print(attachment_storage().save('chat/a.txt', ContentFile(b'hello')))"
    )
    manage = Path(django_settings.BASE_DIR) / "manage.py"
    done = subprocess.run(
        [sys.executable, str(manage), "shell", "-c", script],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert _objects(s3, "from-env") == {"webnet/chat/a.txt": b"hello"}
