"""The user's own API tokens: create (raw value shown once), list, revoke.

Creating is POST → redirect → GET (ui/once.py): a refresh neither creates a second token nor
shows the value again.
"""

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from webnet.ui import once
from webnet.ui.forms.tokens import TokenForm
from webnet.users import services as user_services
from webnet.users.models import User

NEW_TOKEN = "webnet_new_token"


def _own_tokens(request: HttpRequest):  # type: ignore[no-untyped-def]
    """Tokens are personal: a user sees and revokes only their own (not a customer filter)."""
    return user_services.tokens_of(request.user).select_related("customer")


@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "tokens/list.html",
        {"nav": "tokens", "tokens": _own_tokens(request), "form": TokenForm(user=request.user)},
    )


@login_required
@never_cache
def token_create(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        token, raw = user_services.create_token(
            request.user, user=cast(User, request.user), **form.cleaned_data
        )
        once.keep(request, NEW_TOKEN, token.pk, raw)
        return HttpResponseRedirect(reverse("ui:token_created", args=[token.pk]))
    status = 400 if request.method == "POST" else 200
    return render(request, "tokens/form.html", {"nav": "tokens", "form": form}, status=status)


@login_required
@never_cache
def token_created(request: HttpRequest, pk: int) -> HttpResponse:
    """The raw value, once: taken out of the session as it is shown (never stored otherwise)."""
    token = get_object_or_404(_own_tokens(request), pk=pk)
    reveal = once.Reveal(
        nav="tokens",
        title=f"Token “{token.name}” created",
        label="API token",
        back_url=reverse("ui:token_list"),
        shown_message=f"The value of “{token.name}” was shown once, when it was created.",
    )
    return once.show(request, NEW_TOKEN, token.pk, reveal)


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(_own_tokens(request), pk=pk)
    user_services.revoke_token(request.user, token)
    messages.success(request, f"Token “{token.name}” revoked.")
    return HttpResponseRedirect(reverse("ui:token_list"))
