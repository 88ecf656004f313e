"""The TOTP login step and enrolment (see webnet/users/totp.py for the rule).

After a correct password, a user who has a second factor — or must have one — is not logged in:
the session only remembers who is pending (for a few minutes), and `login()` happens once the
code is right, so the session key still rotates at the real login.
"""

import time
from collections.abc import Callable
from typing import cast

from django.contrib.auth import login, logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from webnet.core import crypto
from webnet.users import services as user_services
from webnet.users import totp
from webnet.users.models import User

PENDING = "webnet_totp_pending"
SECRET = "webnet_totp_secret"
VERIFIED = "webnet_totp_verified"  # this session passed the second factor
PENDING_SECONDS = 300


def begin(request: HttpRequest, user: User, next_url: str) -> HttpResponseRedirect:
    """Called by the login view instead of login(): ask for a code, or for enrolment first."""
    request.session[PENDING] = {"user": user.pk, "next": next_url, "at": time.time()}
    step = "ui:totp_verify" if totp.confirmed_device(user) else "ui:totp_enrol"
    return HttpResponseRedirect(reverse(step))


def _pending(request: HttpRequest) -> tuple[User | None, str]:
    state = request.session.get(PENDING) or {}
    if not state or time.time() - state.get("at", 0) > PENDING_SECONDS:
        return None, ""
    return User.objects.filter(pk=state["user"], is_active=True).first(), state["next"]


def _finish(request: HttpRequest, user: User, next_url: str) -> HttpResponseRedirect:
    request.session.pop(PENDING, None)
    request.session.pop(SECRET, None)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    request.session[VERIFIED] = True
    user_services.record_login(user)
    return HttpResponseRedirect(next_url)


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
def verify_view(request: HttpRequest) -> HttpResponse:
    from webnet.ui.auth import _throttled

    user, next_url = _pending(request)
    if user is None:
        return HttpResponseRedirect(reverse("ui:login"))
    error, status = "", 200
    if request.method == "POST":
        wait = _throttled(request)
        if wait:
            error, status = f"Too many attempts. Try again in {wait} seconds.", 429
        elif totp.verify(user, request.POST.get("code", "")):
            return _finish(request, user, next_url)
        else:
            user_services.record_login_failed(user.username)
            error, status = "That code is not valid.", 400
    return render(request, "auth/totp_verify.html", {"error": error}, status=status)


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
def enrol_view(request: HttpRequest) -> HttpResponse:
    """Pending login (the customer requires TOTP) or a logged-in user adding a second factor."""
    pending, next_url = _pending(request)
    user = pending or (cast(User, request.user) if request.user.is_authenticated else None)
    if user is None:
        return HttpResponseRedirect(reverse("ui:login"))
    error, status = "", 200
    if request.method == "POST" and request.session.get(SECRET):
        secret = crypto.decrypt(request.session[SECRET])
        if totp.confirm_enrolment(user, secret, request.POST.get("code", "")):
            if pending is not None:
                return _finish(request, user, next_url)
            request.session.pop(SECRET, None)
            request.session[VERIFIED] = True
            return HttpResponseRedirect(reverse("ui:dashboard"))
        error, status = "That code is not valid: check the app's clock and try again.", 400
    else:
        secret, _ = totp.start_enrolment(user)
        request.session[SECRET] = crypto.encrypt(secret)
    uri = totp.provisioning_uri(user, secret)
    context = {"secret": secret, "uri": uri, "error": error, "required": totp.required(user)}
    return render(request, "auth/totp_enrol.html", context, status=status)


EXEMPT_PREFIXES = ("/login/", "/logout/", "/account/totp/", "/static/", "/health/", "/metrics")


class SecondFactorMiddleware:
    """Sessions opened before a customer required TOTP of its admins (or before the user
    enrolled) end at their next request: the rule applies to live sessions, not only to logins."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(EXEMPT_PREFIXES)
            and not request.session.get(VERIFIED)
            and totp.must_verify(cast(User, user))
        ):
            logout(request)
            if not request.path.startswith("/api/"):
                return HttpResponseRedirect(f"{reverse('ui:login')}?next={request.path}")
        return self.get_response(request)
