"""The account page and the second factor's life: enrol (QR code), recovery codes, disable.

All of it needs a fully signed-in session (a pending login only verifies, see ui.totp), and any
change to an existing device needs that device's proof: a current code or a recovery code —
guesses at it share the login throttle, so a borrowed session cannot try codes at will.
Recovery codes are shown once, by a GET after the POST that made them (refresh shows nothing).
"""

from typing import Any, cast

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from webnet.core import access, crypto
from webnet.ui.auth import throttle_wait
from webnet.users import sessions, totp
from webnet.users.models import User

SECRET = "webnet_totp_secret"
NEW_CODES = "webnet_totp_new_codes"


def _errors(exc: ValidationError) -> dict[str, str]:
    return {field: " ".join(messages_) for field, messages_ in exc.message_dict.items()}


def _throttle(request: HttpRequest, field: str) -> None:
    """Count a guess at a code (the login throttle); refuse once the client is over the rate."""
    wait = throttle_wait(request)
    if wait:
        raise ValidationError({field: f"Too many attempts. Try again in {wait} seconds."})


def _show_codes_once(request: HttpRequest, codes: list[str]) -> HttpResponseRedirect:
    request.session[NEW_CODES] = crypto.encrypt("\n".join(codes))
    return HttpResponseRedirect(reverse("ui:totp_recovery_codes"))


def _account(
    request: HttpRequest, errors: dict[str, str] | None = None, status: int = 200
) -> HttpResponse:
    user = cast(User, request.user)
    device = totp.confirmed_device(user)
    context: dict[str, Any] = {
        "nav": "account",
        "device": device,
        "codes_left": totp.recovery_codes_left(device) if device else 0,
        "required": totp.required(user),
        "withheld": access.withheld_customers(user),
        "errors": errors or {},
    }
    return render(request, "account/detail.html", context, status=status)


@login_required
@never_cache
def account(request: HttpRequest) -> HttpResponse:
    return _account(request)


@sensitive_post_parameters("code", "proof")
@login_required
@never_cache
def enrol(request: HttpRequest) -> HttpResponse:
    """Show a new secret (QR code and text); confirm it with a code from the app."""
    user = cast(User, request.user)
    replacing = totp.confirmed_device(user) is not None
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST" and request.session.get(SECRET):
        secret = crypto.decrypt(request.session[SECRET])
        try:
            if replacing:
                _throttle(request, "proof")
            codes = totp.confirm_enrolment(
                user,
                secret=secret,
                code=request.POST.get("code", ""),
                proof=request.POST.get("proof", ""),
            )
        except ValidationError as exc:
            errors, status = _errors(exc), 400
        else:
            request.session.pop(SECRET, None)
            sessions.mark_verified(request.session)
            return _show_codes_once(request, codes)
    else:
        secret = totp.new_secret()
        request.session[SECRET] = crypto.encrypt(secret)
    uri = totp.provisioning_uri(user, secret)
    context = {
        "nav": "account",
        "secret": secret,
        "uri": uri,
        "qr": segno.make(uri, error="m").svg_data_uri(scale=4, border=2),
        "replacing": replacing,
        "required": totp.required(user),
        "errors": errors,
    }
    return render(request, "account/totp_enrol.html", context, status=status)


@login_required
@never_cache
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """The codes just made, once: they are stored hashed, so a refresh cannot show them again."""
    sealed = request.session.pop(NEW_CODES, None)
    if not sealed:
        messages.info(request, "Recovery codes are shown only once; make new ones if needed.")
        return HttpResponseRedirect(reverse("ui:account"))
    codes = crypto.decrypt(sealed).split("\n")
    return render(request, "account/recovery_codes.html", {"nav": "account", "codes": codes})


@sensitive_post_parameters("proof")
@login_required
@require_POST
def regenerate_recovery_codes(request: HttpRequest) -> HttpResponse:
    try:
        _throttle(request, "proof")
        codes = totp.regenerate_recovery_codes(
            cast(User, request.user), proof=request.POST.get("proof", "")
        )
    except ValidationError as exc:
        return _account(request, {f"regenerate_{k}": v for k, v in _errors(exc).items()}, 400)
    return _show_codes_once(request, codes)


@sensitive_post_parameters("password", "proof")
@login_required
@require_POST
def disable(request: HttpRequest) -> HttpResponse:
    try:
        _throttle(request, "proof")
        totp.disable(
            cast(User, request.user),
            password=request.POST.get("password", ""),
            proof=request.POST.get("proof", ""),
        )
    except ValidationError as exc:
        return _account(request, {f"disable_{k}": v for k, v in _errors(exc).items()}, 400)
    messages.success(request, "Two-factor login is off.")
    return HttpResponseRedirect(reverse("ui:account"))
