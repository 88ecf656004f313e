"""Members of the active customer (admin only): invite, change role and scope, remove — audited
by services.

An admin adds an existing user only by invitation, answered identically whether the user exists
(the invited user accepts it from their account page); staff add existing users directly. An
admin cannot remove or demote their own membership here, so a customer can't lose its last admin
by a slip of the mouse.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from webnet.core import access
from webnet.customers import services as customer_services
from webnet.customers.models import Invitation, InvitationStatus, Membership, Role
from webnet.locations.within import NODE_MODELS, SCOPE_KINDS, Node, parse_node, scope_fields
from webnet.ui.crud import active_customer, apply_service_errors, paginate, require, scoped
from webnet.ui.forms.members import MemberAddForm, MemberRoleForm
from webnet.users import services as user_services
from webnet.users.models import User


def _members(request: HttpRequest, action: str = "view") -> QuerySet:
    require(request, "membership", action)
    return scoped(request, Membership, action).select_related(
        "user", "scope_region", "scope_site", "scope_location"
    )


def _list_url() -> HttpResponse:
    return HttpResponseRedirect(reverse("ui:member_list"))


@login_required
def member_list(request: HttpRequest) -> HttpResponse:
    page = paginate(request, _members(request).order_by("user__username"))
    pending = scoped(request, Invitation).filter(status=InvitationStatus.PENDING)
    context = {"nav": "members", "page": page, "invitations": pending.select_related("invited_by")}
    return render(request, "members/list.html", context)


def _add_directly(request: HttpRequest, form: MemberAddForm) -> bool:
    """Staff: grant the role to the existing user with this username or email."""
    data = form.cleaned_data
    name = data["username"]
    existing = User.objects.filter(username=name).first() or User.objects.filter(email=name).first()
    if existing is None:
        form.add_error("username", "No user with this username or email.")
        return False
    if scoped(request, Membership).filter(user=existing).exists():
        form.add_error("username", "This user is already a member; change their role instead.")
        return False
    customer_services.grant_role(request.user, existing, active_customer(request), data["role"])
    return True


def _create(request: HttpRequest, form: MemberAddForm) -> bool:
    """Create a new account with the role; False with form errors if not."""
    customer = active_customer(request)
    data = form.cleaned_data
    if User.objects.filter(username=data["username"]).exists():
        form.add_error("username", "This username is taken: leave the password empty to invite.")
        return False
    if not access.can(request.user, "user", "add", customer.pk):
        raise PermissionDenied("Your role does not allow creating users.")
    try:
        user_services.create_user(
            request.user,
            username=data["username"],
            password=data["password"],
            email=data["email"],
            customer=customer,
            role=data["role"],
        )
    except ValidationError as exc:
        apply_service_errors(form, ValidationError({"password": exc.messages}))
        return False
    return True


INVITED = (
    "Invitation recorded for {name}. If an account matches, its owner can accept it from their "
    "account page."
)


def _add(request: HttpRequest, form: MemberAddForm) -> str | None:
    """Create an account, add directly (staff) or invite: the success message, or None."""
    data = form.cleaned_data
    if data["password"]:
        return f"{data['username']} created and added." if _create(request, form) else None
    if access.is_staff(request.user):
        return f"{data['username']} added." if _add_directly(request, form) else None
    customer_services.invite(
        request.user, customer=active_customer(request), invitee=data["username"], role=data["role"]
    )
    return INVITED.format(name=data["username"])


@login_required
def member_add(request: HttpRequest) -> HttpResponse:
    require(request, "membership", "add")
    form = MemberAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and (done := _add(request, form)):
        messages.success(request, done)
        return _list_url()
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "members/form.html",
        {"nav": "members", "form": form, "is_create": True},
        status=status,
    )


def _not_self(request: HttpRequest, membership: Membership, verb: str) -> None:
    if membership.user.pk == request.user.pk:
        raise PermissionDenied(f"You cannot {verb} your own membership.")


def _scope_choices(request: HttpRequest) -> list[tuple[str, str]]:
    """Every region, site and location of the active customer the admin sees, as scope choices."""
    return [
        (f"{kind}:{pk}", f"{kind.capitalize()} {name}")
        for kind in SCOPE_KINDS
        for pk, name in scoped(request, NODE_MODELS[kind]).values_list("pk", "name")
    ]


@login_required
def member_edit(request: HttpRequest, pk: int) -> HttpResponse:
    membership = get_object_or_404(_members(request), pk=pk)
    require(request, "membership", "change")
    scope = str(Node(*membership.scope)) if membership.scope else ""
    form = MemberRoleForm(
        request.POST or None,
        initial={"role": membership.role, "scope": scope},
        scopes=_scope_choices(request),
    )
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["role"] != Role.ADMIN:
            _not_self(request, membership, "demote")
        chosen = form.cleaned_data["scope"]
        node = parse_node(chosen) if chosen else None
        fields = scope_fields(request.user, membership.customer_id, node)
        customer_services.update_membership(
            request.user, membership, {"role": form.cleaned_data["role"], **fields}
        )
        messages.success(request, f"{membership.user} is now {membership.get_role_display()}.")
        return _list_url()
    return render(
        request, "members/form.html", {"nav": "members", "form": form, "membership": membership}
    )


@login_required
def member_delete(request: HttpRequest, pk: int) -> HttpResponse:
    membership = get_object_or_404(_members(request), pk=pk)
    require(request, "membership", "delete")
    _not_self(request, membership, "remove")
    if request.method == "POST":
        customer_services.revoke_membership(request.user, membership)
        messages.success(request, f"{membership.user} removed.")
        return _list_url()
    context = {
        "nav": "members",
        "object": membership,
        "verbose_name": "membership",
        "list_url": reverse("ui:member_list"),
    }
    return render(request, "ui/confirm_delete.html", context)


@login_required
def invitation_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = get_object_or_404(scoped(request, Invitation), pk=pk)
    if request.method == "POST":
        customer_services.revoke_invitation(request.user, invitation)
        messages.success(request, f"Invitation for {invitation.invitee} withdrawn.")
    return _list_url()
