"""Members (admin only): add an existing or new user, change a role, remove — all audited."""

from collections.abc import Callable

from django.test import Client
from django.urls import reverse

from webnet.core.models import AuditEvent
from webnet.customers.models import Membership, Role
from webnet.tests import factories
from webnet.tests.conftest import World
from webnet.users.models import User


def test_list_shows_only_the_active_customers_members(
    ui: Callable[[str], Client], world: World
) -> None:
    html = ui("admin").get(reverse("ui:member_list")).content.decode()
    assert "a-viewer" in html and "a-operator" in html
    assert "b-admin" not in html


def test_add_existing_user_and_create_new_user(ui: Callable[[str], Client], world: World) -> None:
    client = ui("admin")
    loner = factories.UserFactory(username="loner")
    assert (
        client.post(reverse("ui:member_add"), {"username": "loner", "role": "operator"}).status_code
        == 302
    )
    assert Membership.objects.get(user=loner, customer=world.a).role == Role.OPERATOR
    response = client.post(
        reverse("ui:member_add"),
        {"username": "newbie", "role": "viewer", "password": "a-long-Unusual-pass-42"},
    )
    assert response.status_code == 302
    newbie = User.objects.get(username="newbie")
    assert newbie.check_password("a-long-Unusual-pass-42")
    created = AuditEvent.objects.filter(action="create", object_type="customers.membership")
    assert created.count() == 2


def test_add_errors_are_inline(ui: Callable[[str], Client], world: World) -> None:
    client = ui("admin")
    cases = [
        ({"username": "nobody", "role": "viewer"}, "password"),
        ({"username": "nobody", "role": "viewer", "password": "123"}, "password"),
        ({"username": "a-viewer", "role": "viewer"}, "username"),
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
