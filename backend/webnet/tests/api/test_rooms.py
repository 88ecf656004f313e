"""Rooms over REST and the members-only download: membership decides, foreign rooms are 404."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from webnet.incidents import rooms
from webnet.tests import factories as f
from webnet.tests.conftest import World
from webnet.tests.incidents.test_attachments import image_bytes


def _browser(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def room(world: World, settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.STORAGES = {
        **settings.STORAGES,
        "attachments": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    return rooms.create_room(
        world.operator, world.a, kind="team", name="noc", member_ids=[world.viewer.pk]
    )


@pytest.mark.django_db
def test_only_members_list_and_read_a_room(world: World, room, api) -> None:  # type: ignore[no-untyped-def]
    rooms.post_message(world.operator, room, "first")
    listed = api("viewer").get("/api/v1/rooms/").json()["results"]
    assert [r["name"] for r in listed] == ["noc"]
    assert api("admin").get("/api/v1/rooms/").json()["results"] == []  # same customer, not in it
    for who in ("admin", "outsider"):
        assert api(who).get(f"/api/v1/rooms/{room.pk}/messages/").status_code == 404
    got = api("viewer").get(f"/api/v1/rooms/{room.pk}/messages/?after_seq=0").json()
    assert [(m["seq"], m["body"]) for m in got] == [(1, "first")]


@pytest.mark.django_db
def test_catching_up_gets_the_new_messages_and_the_older_ones_changed(
    world: World, room, api
) -> None:  # type: ignore[no-untyped-def]
    first, second = (rooms.post_message(world.operator, room, text) for text in ("a", "b"))
    rooms.edit_message(world.operator, first, "a, edited")
    rooms.delete_message(world.operator, second)
    rooms.post_message(world.operator, room, "c")
    url = f"/api/v1/rooms/{room.pk}/"
    new = api("viewer").get(f"{url}messages/?after_seq=2").json()
    changed = api("viewer").get(f"{url}changes/?after_seq=2").json()
    assert [(m["seq"], m["body"]) for m in new] == [(3, "c")]
    assert [(m["seq"], m["body"], m["deleted"]) for m in changed] == [
        (1, "a, edited", False),
        (2, "", True),
    ]
    assert api("viewer").get(f"{url}changes/?after_seq=2&above_seq=1").json()[0]["seq"] == 2
    assert api("viewer").get(f"{url}changes/?after_seq=3").json() == []
    for who in ("admin", "outsider"):  # not in the room / another customer
        assert api(who).get(f"{url}changes/?after_seq=0").status_code == 404


@pytest.mark.django_db
def test_post_validate_and_remove_members(world: World, room, api) -> None:  # type: ignore[no-untyped-def]
    url = f"/api/v1/rooms/{room.pk}/messages/"
    created = api("viewer").post(url, {"body": "hello"}, format="json")
    assert created.status_code == 201 and created.json()["seq"] == 1
    empty = api("viewer").post(url, {"body": "   "}, format="json")
    assert empty.status_code == 400 and "body" in empty.json()
    foreign = api("operator").post(
        f"/api/v1/rooms/{room.pk}/members/", {"user": world.outsider.pk}, format="json"
    )
    assert foreign.status_code == 400 and "members" in foreign.json()
    removed = api("operator").delete(
        f"/api/v1/rooms/{room.pk}/members/", {"user": world.viewer.pk}, format="json"
    )
    assert removed.status_code == 204
    assert api("viewer").post(url, {"body": "again"}, format="json").status_code == 404


@pytest.mark.django_db
def test_direct_thread_needs_one_other_user(world: World, api) -> None:
    bad = api("operator").post("/api/v1/rooms/", {"kind": "direct", "name": "dm"}, format="json")
    assert bad.status_code == 400 and "members" in bad.json()
    ok = api("operator").post(
        "/api/v1/rooms/",
        {"kind": "direct", "name": "dm", "member_ids": [world.viewer.pk]},
        format="json",
    )
    assert ok.status_code == 201 and sorted(ok.json()["members"]) == sorted(
        [world.operator.pk, world.viewer.pk]
    )


@pytest.mark.django_db
def test_attachments_upload_and_download_for_members_only(world: World, room, api) -> None:  # type: ignore[no-untyped-def]
    url = f"/api/v1/rooms/{room.pk}/messages/"
    content = image_bytes((64, 64), "PNG")
    png = SimpleUploadedFile("graph.png", content, content_type="image/png")
    created = api("viewer").post(url, {"file": png, "body": "look"}, format="multipart")
    assert created.status_code == 201
    (attachment,) = created.json()["attachments"]
    assert attachment["thumbnail_url"] == f"{attachment['url']}thumbnail/"
    html = SimpleUploadedFile("x.html", b"<script>", content_type="text/html")
    fake = SimpleUploadedFile("graph.png", b"\x89PNG fake", content_type="image/png")
    for upload in (html, fake):
        refused = api("viewer").post(url, {"file": upload}, format="multipart")
        assert refused.status_code == 400 and "file" in refused.json()
    response = _browser(world.operator).get(attachment["url"])
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == content
    for outsider in (world.admin, world.outsider, f.MembershipFactory(customer=world.b).user):
        assert _browser(outsider).get(attachment["url"]).status_code == 404
