"""The RADIUS sessions page: the active customer's online sessions, each with its last CoA."""

from typing import Any

from django.utils import timezone

from webnet.aaa.models import CoaAttempt
from webnet.tests import factories as f
from webnet.tests.conftest import World


def test_sessions_page_lists_online_sessions_with_their_last_coa(world: World, ui: Any) -> None:
    # given
    online = f.RadAcctFactory(customer=world.a, username="alice")
    f.RadAcctFactory(customer=world.a, username="gone", acctstoptime=timezone.now())
    f.RadAcctFactory(customer=world.b, username="bravo-user")
    CoaAttempt.objects.create(
        customer=world.a, session=online, kind="coa", outcome="ack", attributes={}
    )
    # when
    page = ui("viewer").get("/radius/sessions/").content.decode()
    # then
    assert "alice" in page and "coa" in page and 'badge-green">ack' in page
    assert "gone" not in page and "bravo-user" not in page
    assert "gone" in ui("viewer").get("/radius/sessions/?state=all").content.decode()
