"""The TOTP login step, and the middleware that holds every session to users.sessions' rules.

After a correct password, a user who has a second factor is not logged in: the session only
remembers who is pending (for a few minutes), and `login()` happens once a code (or a recovery
code) is right, so the session key still rotates at the real login. A pending session can only
verify the existing device — enrolling a new one needs a fully signed-in session (ui.account).
"""

import time
from collections.abc import Callable
from typing import cast

from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from webnet.users import services as user_services
from webnet.users import sessions, totp
from webnet.users.models import User

PENDING = "webnet_totp_pending"
PENDING_SECONDS = 300


def begin(request: HttpRequest, user: User, next_url: str) -> HttpResponseRedirect:
    """Called by the login view instead of login() for a user who has a second factor."""
    request.session[PENDING] = {"user": user.pk, "next": next_url, "at": time.time()}
    return HttpResponseRedirect(reverse("ui:totp_verify"))


def _pending(request: HttpRequest) -> tuple[User | None, str]:
    state = request.session.get(PENDING) or {}
    if not state or time.time() - state.get("at", 0) > PENDING_SECONDS:
        return None, ""
    return User.objects.filter(pk=state["user"], is_active=True).first(), state["next"]


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
def verify_view(request: HttpRequest) -> HttpResponse:
    from webnet.ui.auth import throttle_wait

    user, next_url = _pending(request)
    if user is None:
        return HttpResponseRedirect(reverse("ui:login"))
    error, status = "", 200
    if request.method == "POST":
        wait = throttle_wait(request)
        if wait:
            error, status = f"Too many attempts. Try again in {wait} seconds.", 429
        elif totp.verify(user, request.POST.get("code", "")):
            request.session.pop(PENDING, None)
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            sessions.mark_verified(request.session)
            user_services.record_login(user)
            return HttpResponseRedirect(next_url)
        else:
            user_services.record_login_failed(user.username)
            error, status = "That code is not valid.", 400
    return render(request, "auth/totp_verify.html", {"error": error}, status=status)


EXEMPT_PREFIXES = ("/static/", "/health/", "/metrics")


class SessionRulesMiddleware:
    """Every signed-in request meets users.sessions' rules, or the session is logged out (its
    sockets with it): e.g. a password-only session of a user who has since enrolled."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(EXEMPT_PREFIXES)
            and sessions.refusal(cast(User, user), request.session)
        ):
            sessions.log_out(request)
            if not request.path.startswith("/api/"):
                query = urlencode({"next": request.path})
                return HttpResponseRedirect(f"{reverse('ui:login')}?{query}")
        return self.get_response(request)
