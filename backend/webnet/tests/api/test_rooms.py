"""Rooms over REST and the members-only download: membership decides, foreign rooms are 404."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from webnet.core.models import AuditEvent
from webnet.incidents import rooms
from webnet.tests import factories as f
from webnet.tests.conftest import World, client_for
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


@pytest.fixture
def everyone(world: World):  # type: ignore[no-untyped-def]
    """given a channel of customer A's viewer, operator and admin, with a message of each."""
    room = rooms.create_room(
        world.operator,
        world.a,
        kind="team",
        name="all",
        member_ids=[world.viewer.pk, world.admin.pk],
    )
    for role in ("viewer", "operator", "admin"):
        rooms.post_message(world.user(role), room, f"from {role}")
    return room


# Who may change whose message (seq 1 the viewer's, 2 the operator's, 3 the admin's), by role;
# "colleague" is of the customer but not in the room, "outsider" of another customer.
CHANGES = [
    ("patch", 1, {"viewer": 200, "operator": 403, "admin": 403}),
    ("delete", 2, {"viewer": 403, "operator": 204, "admin": 204}),
    ("delete", 3, {"viewer": 403, "operator": 403, "admin": 204}),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "seq", "allowed"), CHANGES)
@pytest.mark.parametrize(
    "role", ["viewer", "operator", "admin", "colleague", "outsider", "staff", "anonymous"]
)
def test_editing_and_deleting_by_role(world: World, everyone, method, seq, allowed, role) -> None:  # type: ignore[no-untyped-def]
    user = {"colleague": f.MembershipFactory(customer=world.a, role="admin").user}.get(role)
    client = client_for(user or world.user(role))
    url = f"/api/v1/rooms/{everyone.pk}/messages/{seq}/"
    response = getattr(client, method)(url, {"body": "changed"}, format="json")
    # the staff see every room, and may moderate in every customer
    want = {"colleague": 404, "outsider": 404, "staff": 403 if method == "patch" else 204}
    if role == "anonymous":
        assert response.status_code in (401, 403)
    else:
        assert response.status_code == allowed.get(role, want.get(role)), response.content
    changed = everyone.messages.get(seq=seq)
    if response.status_code in (200, 204):
        assert (changed.body, changed.deleted_at is not None) == (
            ("changed", False) if method == "patch" else ("", True)
        )
    else:
        assert changed.body == ("from viewer", "from operator", "from admin")[seq - 1]


@pytest.mark.django_db
def test_an_edit_answers_the_message_and_bad_ones_are_field_errors(
    world: World, everyone, api
) -> None:  # type: ignore[no-untyped-def]
    url = f"/api/v1/rooms/{everyone.pk}/messages/"
    edited = api("viewer").patch(f"{url}1/", {"body": "  from the viewer  "}, format="json")
    assert edited.status_code == 200
    assert {k: edited.json()[k] for k in ("seq", "body", "edited", "deleted")} == {
        "seq": 1,
        "body": "from the viewer",
        "edited": True,
        "deleted": False,
    }
    for body in ({}, {"body": "   "}, {"body": "x" * 4001}, {"body": ["x"]}):
        bad = api("viewer").patch(f"{url}1/", body, format="json")
        assert bad.status_code == 400 and "body" in bad.json(), body
    for seq in ("4", "0", "99999999999999999999"):  # past the last, none, past what a db holds
        assert api("viewer").patch(f"{url}{seq}/", {"body": "x"}, format="json").status_code == 404
        assert api("viewer").delete(f"{url}{seq}/").status_code == 404
    assert api("viewer").delete(f"{url}1/").status_code == 204
    gone = api("viewer").patch(f"{url}1/", {"body": "back"}, format="json")
    assert gone.status_code == 400 and "message" in gone.json()
    assert api("viewer").delete(f"{url}1/").status_code == 400
    # and the body of the deleted message is in no answer any more
    for listing in (f"{url}?after_seq=0", f"/api/v1/rooms/{everyone.pk}/changes/?after_seq=1"):
        got = api("operator").get(listing)
        assert got.status_code == 200 and b"from the viewer" not in got.content
    assert [
        e.action for e in AuditEvent.objects.filter(action__startswith="message.").order_by("pk")
    ] == [
        "message.edit",
        "message.delete",
    ]


@pytest.mark.django_db
def test_another_customers_room_with_the_same_seq_answers_404(world: World, everyone) -> None:  # type: ignore[no-untyped-def]
    """An admin of customer B in a room of B: A's room and its seqs are not theirs to change."""
    theirs = rooms.create_room(world.outsider, world.b, kind="team", name="b")
    rooms.post_message(world.outsider, theirs, "b's own")
    client = client_for(world.outsider)
    assert client.delete(f"/api/v1/rooms/{theirs.pk}/messages/1/").status_code == 204
    assert client.delete(f"/api/v1/rooms/{everyone.pk}/messages/1/").status_code == 404
    assert everyone.messages.get(seq=1).deleted_at is None
