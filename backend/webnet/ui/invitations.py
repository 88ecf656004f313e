"""The signed-in user's invitations to customers (their account page): accept or decline."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from webnet.customers import services


@login_required
def invitation_list(request: HttpRequest) -> HttpResponse:
    invitations = services.pending_invitations_of(request.user).select_related(
        "customer", "invited_by"
    )
    return render(
        request, "account/invitations.html", {"nav": "invitations", "invitations": invitations}
    )


@login_required
@require_POST
def invitation_answer(request: HttpRequest, pk: int, answer: str) -> HttpResponse:
    """`answer` is "accept" or "decline" (fixed by the route)."""
    invitation = get_object_or_404(services.pending_invitations_of(request.user), pk=pk)
    if answer == "accept":
        services.accept_invitation(request.user, invitation)
        messages.success(request, f"You are now {invitation.role} in {invitation.customer}.")
    else:
        services.decline_invitation(request.user, invitation)
        messages.success(request, f"Invitation to {invitation.customer} declined.")
    return HttpResponseRedirect(reverse("ui:account_invitations"))
