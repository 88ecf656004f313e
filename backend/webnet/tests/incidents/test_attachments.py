"""Room attachments: image thumbnails made with Pillow on upload, images that must decode, a
guard against decompression bombs, and files and thumbnails served to members only."""

import struct
import time
import zlib
from collections.abc import Callable
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from PIL import Image

from webnet.incidents import attachments, rooms
from webnet.incidents.models import Attachment, Message
from webnet.tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _store(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.STORAGES = {
        **settings.STORAGES,
        "attachments": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }


def _room():  # type: ignore[no-untyped-def]
    customer = f.CustomerFactory()
    operator = f.MembershipFactory(customer=customer, role="operator").user
    viewer = f.MembershipFactory(customer=customer).user
    room = rooms.create_room(operator, customer, kind="team", name="noc", member_ids=[viewer.pk])
    return room, operator, viewer


def image_bytes(size: tuple[int, int], fmt: str, mode: str = "RGB") -> bytes:
    out = BytesIO()
    Image.new(mode, size, "orange" if mode == "RGB" else (10, 20, 30, 128)).save(out, format=fmt)
    return out.getvalue()


def _bomb_png(width: int, height: int) -> bytes:
    """A valid small PNG whose header (with a correct CRC) claims width × height pixels."""
    data = bytearray(image_bytes((8, 8), "PNG"))
    ihdr = data[12:29]  # type + 13 bytes of IHDR data
    ihdr[4:12] = struct.pack(">II", width, height)
    data[12:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(ihdr)))
    return bytes(data)


def eventually(done: Callable[[], bool], seconds: float = 10.0) -> bool:
    """Whether `done()` holds within `seconds` (files leave storage on a thread of their own)."""
    deadline = time.monotonic() + seconds
    while not done():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def _upload(name: str, content: bytes, content_type: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.mark.parametrize(
    ("name", "fmt", "content_type", "mode"),
    [
        ("photo.jpg", "JPEG", "image/jpeg", "RGB"),
        ("shot.png", "PNG", "image/png", "RGBA"),
        ("anim.gif", "GIF", "image/gif", "RGB"),
        ("pic.webp", "WEBP", "image/webp", "RGB"),
    ],
)
def test_an_image_gets_a_bounded_thumbnail(name, fmt, content_type, mode) -> None:  # type: ignore[no-untyped-def]
    room, _, viewer = _room()
    message = attachments.attach(
        viewer, room, _upload(name, image_bytes((1200, 600), fmt, mode), content_type)
    )
    (attachment,) = message.attachments.all()
    with attachment.thumbnail.open("rb") as handle, Image.open(handle) as thumb:
        assert (thumb.format, thumb.size) == ("WEBP", (320, 160))
        assert thumb.mode == ("RGBA" if mode == "RGBA" else "RGB")
    wire = rooms.message_wire(message)["attachments"][0]
    assert wire["thumbnail_url"] == f"/rooms/attachments/{attachment.pk}/thumbnail/"


def test_other_files_get_none() -> None:
    room, _, viewer = _room()
    message = attachments.attach(viewer, room, _upload("trace.txt", b"ping", "text/plain"))
    (attachment,) = message.attachments.all()
    assert not attachment.thumbnail
    assert rooms.message_wire(message)["attachments"][0]["thumbnail_url"] is None


def test_files_that_claim_an_image_type_must_decode_as_it() -> None:
    room, _, viewer = _room()
    png = image_bytes((64, 64), "PNG")
    for upload in (
        _upload("shot.png", b"<script>alert(1)</script>", "image/png"),
        _upload("shot.png", png[: len(png) // 2], "image/png"),  # truncated
        _upload("photo.jpg", png, "image/jpeg"),  # a PNG named and typed as JPEG
    ):
        with pytest.raises(ValidationError) as err:
            attachments.attach(viewer, room, upload)
        assert err.value.message_dict == {
            "file": ["This file is not a readable image of the type it claims."]
        }
    assert room.messages.count() == 0  # nothing stored for a refused file


def test_a_decompression_bomb_is_refused_before_it_is_decoded(settings) -> None:  # type: ignore[no-untyped-def]
    room, _, viewer = _room()
    bomb = _bomb_png(100_000, 100_000)  # 10 gigapixels promised by a file of ~100 bytes
    assert len(bomb) < 200
    with pytest.raises(ValidationError) as err:
        attachments.attach(viewer, room, _upload("bomb.png", bomb, "image/png"))
    assert "pixels" in err.value.message_dict["file"][0]
    settings.WEBNET_ATTACHMENT_MAX_PIXELS = 100 * 100  # and the configured limit holds below it
    with pytest.raises(ValidationError) as err:
        attachments.attach(
            viewer, room, _upload("big.png", image_bytes((101, 100), "PNG"), "image/png")
        )
    assert err.value.message_dict == {"file": ["Images may have at most 10,000 pixels."]}
    attachments.attach(viewer, room, _upload("ok.png", image_bytes((100, 100), "PNG"), "image/png"))


def test_files_and_thumbnails_are_served_to_members_only(client) -> None:  # type: ignore[no-untyped-def]
    room, operator, viewer = _room()
    message = attachments.attach(
        viewer, room, _upload("shot.png", image_bytes((640, 640), "PNG"), "image/png")
    )
    attachment = message.attachments.get()
    file_url, thumb_url = (
        f"/rooms/attachments/{attachment.pk}/",
        f"/rooms/attachments/{attachment.pk}/thumbnail/",
    )
    client.force_login(operator)
    thumb = client.get(thumb_url)
    assert (thumb.status_code, thumb["Content-Type"]) == (200, "image/webp")
    assert thumb["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert Image.open(BytesIO(b"".join(thumb.streaming_content))).size == (320, 320)
    assert client.get(file_url).status_code == 200
    for outsider in (
        f.MembershipFactory(customer=room.customer).user,  # same customer, not a member
        f.MembershipFactory(role="admin").user,  # another customer's admin
    ):
        client.force_login(outsider)
        assert [client.get(url).status_code for url in (file_url, thumb_url)] == [404, 404]
    text = attachments.attach(viewer, room, _upload("t.txt", b"x", "text/plain")).attachments.get()
    client.force_login(viewer)
    assert client.get(f"/rooms/attachments/{text.pk}/thumbnail/").status_code == 404
    rooms.delete_message(viewer, message)
    assert [client.get(url).status_code for url in (file_url, thumb_url)] == [404, 404]


def test_a_deleted_message_takes_its_files_out_of_storage_after_commit(
    tmp_path,
    client,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    room, _, viewer = _room()
    png = _upload("shot.png", image_bytes((640, 480), "PNG"), "image/png")
    message = attachments.attach(viewer, room, png)
    kept = attachments.attach(viewer, room, _upload("t.txt", b"stays", "text/plain"))
    attachment = message.attachments.get()
    files = [tmp_path / attachment.file.name, tmp_path / attachment.thumbnail.name]
    assert all(path.is_file() for path in files)
    # when a delete rolls back, nothing is removed
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        rooms.delete_message(viewer, Message.objects.get(pk=message.pk))
        raise RuntimeError("rolled back")
    assert callbacks == [] and all(path.is_file() for path in files)
    # when it commits, the files are still there until the commit, then gone with the rows
    with django_capture_on_commit_callbacks(execute=True):
        rooms.delete_message(viewer, message)
        assert all(path.is_file() for path in files)
    assert eventually(lambda: not any(path.exists() for path in files))
    assert list(Attachment.objects.filter(message=message)) == []
    client.force_login(viewer)
    assert client.get(f"/rooms/attachments/{attachment.pk}/").status_code == 404
    # and the other message's file is untouched
    other = kept.attachments.get()
    assert (tmp_path / other.file.name).read_bytes() == b"stays"
    assert client.get(f"/rooms/attachments/{other.pk}/").status_code == 200
