"""The rules a signed-in session keeps meeting — one place for HTTP and WebSockets.

HTTP asks `refusal()` on every request (ui.totp.SessionRulesMiddleware); every socket asks it on
connect and again through `signed_in_user()` whenever a logout, a permission change or a second-
factor change is broadcast to it, and periodically (api.ws_guard). Per-customer rules (roles, a
customer requiring TOTP of its admins) are the gate's (core.access): they narrow what a valid
session sees, they do not end it.
"""

from importlib import import_module
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.contrib import auth
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest

from webnet.core import access, broadcasts

VERIFIED = "webnet_totp_verified"  # this session passed the second factor (or enrolled in it)


def refusal(user: Any, session: SessionBase) -> str | None:
    """Why this signed-in session may no longer be used; None while it may.

    A user who has a second factor may only use sessions that passed it: a session opened with
    the password alone before the user enrolled (elsewhere) ends here.
    """
    if not user.is_active:
        return "This account is disabled."
    if not session.get(VERIFIED) and access.has_second_factor(user):
        return "This account uses two-factor login: sign in again."
    return None


def mark_verified(session: SessionBase) -> None:
    session[VERIFIED] = True


def signed_in_user(session_key: str) -> Any | None:
    """The session's user as a new request would find it — read afresh from the store — or None
    once it was logged out, expired, invalidated (password change) or refused by the rules."""
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    user = auth.get_user(SimpleNamespace(session=store))  # type: ignore[arg-type]
    if not user.is_authenticated or refusal(user, store):
        return None
    return user


def log_out(request: HttpRequest) -> None:
    """Django's logout (the session is flushed), then the session's sockets close too."""
    key = request.session.session_key
    auth.logout(request)
    if key:
        broadcasts.recheck_session(key)
