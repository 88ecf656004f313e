"""The room page as rendered: edited and deleted messages, and what the page's script is told
about the user (who they are, whether they may delete others' messages)."""

import pytest
from django.urls import reverse

from webnet.incidents import rooms
from webnet.tests.api.test_rooms import everyone  # noqa: F401  (fixture)
from webnet.tests.conftest import World

pytestmark = pytest.mark.django_db


def test_the_history_shows_edits_and_deletes_and_never_a_deleted_body(
    ui,
    world: World,
    everyone,  # noqa: F811
) -> None:  # type: ignore[no-untyped-def]
    kept, gone = everyone.messages.order_by("seq")[:2]  # the viewer's and the operator's
    rooms.edit_message(world.viewer, kept, "from the viewer, corrected")
    rooms.delete_message(world.admin, gone)
    url = reverse("ui:room_detail", args=[everyone.pk])
    page = ui("viewer").get(url).content.decode()
    assert 'data-me="a-viewer"' in page and 'data-moderate=""' in page
    assert 'corrected</span><span class="message-edited' in page
    assert "message deleted" in page and "from operator" not in page
    assert 'data-seq="2" data-author="a-operator" data-kind="user" data-deleted="1"' in page
    assert 'data-moderate="1"' in ui("admin").get(url).content.decode()
    assert ui("outsider").get(url).status_code == 404
