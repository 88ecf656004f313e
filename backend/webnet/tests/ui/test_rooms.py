"""The room page as rendered: edited and deleted messages, and what the page's script is told
about the user (who they are, whether they may delete others' messages)."""

import pytest
from django.urls import reverse

from webnet.incidents import rooms
from webnet.tests.conftest import World

pytestmark = pytest.mark.django_db


def test_the_history_shows_edits_and_deletes_and_never_a_deleted_body(ui, world: World) -> None:  # type: ignore[no-untyped-def]
    room = rooms.create_room(
        world.operator,
        world.a,
        kind="team",
        name="noc",
        member_ids=[world.viewer.pk, world.admin.pk],
    )
    kept, gone = (rooms.post_message(world.viewer, room, text) for text in ("first", "hunter2"))
    rooms.edit_message(world.viewer, kept, "first, corrected")
    rooms.delete_message(world.admin, gone)
    url = reverse("ui:room_detail", args=[room.pk])
    page = ui("viewer").get(url).content.decode()
    assert 'data-me="a-viewer"' in page and 'data-moderate=""' in page
    assert 'first, corrected</span><span class="message-edited' in page
    assert "message deleted" in page and "hunter2" not in page
    assert 'data-seq="2" data-author="a-viewer" data-kind="user" data-deleted="1"' in page
    assert 'data-moderate="1"' in ui("admin").get(url).content.decode()
    assert ui("outsider").get(url).status_code == 404
