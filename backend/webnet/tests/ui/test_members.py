"""Members (admin only): invite a user or create one, change a role, remove — all audited."""

import re
from collections.abc import Callable

from django.test import Client
from django.urls import reverse

from webnet.core.models import AuditEvent
from webnet.customers.models import Invitation, Membership, Role
from webnet.tests import factories
from webnet.tests.conftest import World
from webnet.users.models import User


def test_list_shows_only_the_active_customers_members(
    ui: Callable[[str], Client], world: World
) -> None:
    html = ui("admin").get(reverse("ui:member_list")).content.decode()
    assert "a-viewer" in html and "a-operator" in html
    assert "b-admin" not in html


def _invite(client: Client, name: str) -> tuple[list, list[str]]:
    """Post the add form without a password: where it lands and the messages shown there."""
    response = client.post(
        reverse("ui:member_add"), {"username": name, "role": "operator"}, follow=True
    )
    shown = [str(m).replace(name, "NAME") for m in response.context["messages"]]
    return response.redirect_chain, shown


def _invitation_row(html: str, name: str) -> str:
    rows = re.findall(r"<tr>\s*<td class=\"font-medium\">[^<]*</td>.*?</tr>", html, re.S)
    (row,) = [r for r in rows if f">{name}<" in r]
    row = re.sub(r"/members/invitations/\d+/", "/members/invitations/ID/", row)
    # (the two invitations may be sent either side of a minute boundary)
    row = re.sub(r"<td>\d{4}-\d\d-\d\d \d\d:\d\d[^<]*</td>", "<td>WHEN</td>", row)
    return row.replace(name, "NAME")


def test_admin_invites_and_the_answer_is_the_same_whether_the_user_exists(
    ui: Callable[[str], Client], world: World
) -> None:
    """Given B's admin (a user who exists) and a name nobody has, A's admin sees the same answer
    and the same pending row for both — and neither becomes a member until they accept."""
    client = ui("admin")
    assert _invite(client, "b-admin") == _invite(client, "no-such-1")
    html = client.get(reverse("ui:member_list")).content.decode()
    assert _invitation_row(html, "b-admin") == _invitation_row(html, "no-such-1")
    assert not Membership.objects.filter(user=world.outsider, customer=world.a).exists()
    assert not AuditEvent.objects.filter(object_type="customers.membership").exists()


def test_invited_user_accepts_or_declines_from_their_account_page(
    ui: Callable[[str], Client], world: World
) -> None:
    ui("admin").post(reverse("ui:member_add"), {"username": "b-admin", "role": "operator"})
    loner = factories.UserFactory(username="loner", email="loner@example.net")
    ui("admin").post(reverse("ui:member_add"), {"username": "LONER@example.net", "role": "viewer"})
    invitee = ui("outsider")
    page = invitee.get(reverse("ui:account_invitations")).content.decode()
    assert "Alpha Networks" in page and "Operator" in page
    invitation = Invitation.objects.get(user=world.outsider)
    assert invitee.post(reverse("ui:invitation_accept", args=[invitation.pk])).status_code == 302
    assert Membership.objects.get(user=world.outsider, customer=world.a).role == Role.OPERATOR
    assert (
        "No pending invitations" in invitee.get(reverse("ui:account_invitations")).content.decode()
    )
    other = Invitation.objects.get(user=loner)
    assert invitee.post(reverse("ui:invitation_accept", args=[other.pk])).status_code == 404
    loner_client = Client()
    loner_client.force_login(loner)
    assert loner_client.post(reverse("ui:invitation_decline", args=[other.pk])).status_code == 302
    assert not Membership.objects.filter(user=loner).exists()


def test_staff_adds_an_existing_user_directly(ui: Callable[[str], Client], world: World) -> None:
    factories.MembershipFactory(user=world.staff, customer=world.a, role="admin")
    staff = Client()
    staff.force_login(world.staff)
    response = staff.post(reverse("ui:member_add"), {"username": "b-admin", "role": "viewer"})
    assert response.status_code == 302
    assert Membership.objects.get(user=world.outsider, customer=world.a).role == Role.VIEWER


def test_admin_creates_a_new_user(ui: Callable[[str], Client], world: World) -> None:
    response = ui("admin").post(
        reverse("ui:member_add"),
        {"username": "newbie", "role": "viewer", "password": "a-long-Unusual-pass-42"},
    )
    assert response.status_code == 302
    newbie = User.objects.get(username="newbie")
    assert newbie.check_password("a-long-Unusual-pass-42")
    created = AuditEvent.objects.filter(action="create", object_type="customers.membership")
    assert created.count() == 1


def test_add_errors_are_inline(ui: Callable[[str], Client], world: World) -> None:
    client = ui("admin")
    cases = [
        ({"username": "nobody", "role": "viewer", "password": "123"}, "password"),
        ({"username": "", "role": "viewer"}, "username"),
    ]
    for data, field in cases:
        response = client.post(reverse("ui:member_add"), data)
        assert response.status_code == 400
        assert response.context["form"].errors[field], data
    assert not User.objects.filter(username="nobody").exists()


def test_change_role_and_remove(ui: Callable[[str], Client], world: World) -> None:
    client = ui("admin")
    membership = Membership.objects.get(user=world.viewer, customer=world.a)
    assert (
        client.post(
            reverse("ui:member_edit", args=[membership.pk]), {"role": "operator"}
        ).status_code
        == 302
    )
    membership.refresh_from_db()
    assert membership.role == Role.OPERATOR
    assert client.get(reverse("ui:member_delete", args=[membership.pk])).status_code == 200
    assert client.post(reverse("ui:member_delete", args=[membership.pk])).status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert AuditEvent.objects.filter(object_type="customers.membership").count() == 2


def test_admin_cannot_remove_or_demote_themselves(
    ui: Callable[[str], Client], world: World
) -> None:
    client = ui("admin")
    own = Membership.objects.get(user=world.admin, customer=world.a)
    assert client.post(reverse("ui:member_delete", args=[own.pk])).status_code == 403
    assert (
        client.post(reverse("ui:member_edit", args=[own.pk]), {"role": "viewer"}).status_code == 403
    )
    own.refresh_from_db()
    assert own.role == Role.ADMIN


def test_non_admins_get_403_and_outsiders_404(ui: Callable[[str], Client], world: World) -> None:
    membership = Membership.objects.get(user=world.viewer, customer=world.a)
    for role in ("viewer", "operator"):
        assert ui(role).get(reverse("ui:member_list")).status_code == 403
        assert (
            ui(role).post(reverse("ui:member_add"), {"username": "x", "role": "admin"}).status_code
            == 403
        )
        assert ui(role).post(reverse("ui:member_delete", args=[membership.pk])).status_code == 403
    assert ui("outsider").post(reverse("ui:member_delete", args=[membership.pk])).status_code == 404
    assert Membership.objects.filter(pk=membership.pk).exists()
