"""Login (throttled per client IP, audited), logout (POST only, audited) and the customer switch.

Django's `login()` rotates the session key, which defeats session fixation; we keep it.
"""

import time
from typing import cast

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from webnet.core import access
from webnet.core.middleware import client_ip
from webnet.core.numbers import parse_int
from webnet.customers.models import Customer
from webnet.ui import totp as totp_step
from webnet.ui.forms.base import style_fields
from webnet.ui.middleware import SESSION_KEY
from webnet.users import services as user_services
from webnet.users import sessions, totp
from webnet.users.models import User

PERIODS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hour": 3600, "d": 86400, "day": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """'10/min' → (10, 60): attempts allowed per window of seconds."""
    count, _, period = rate.partition("/")
    return int(count), PERIODS.get(period.strip().lower(), 60)


def throttle_wait(request: HttpRequest) -> int:
    """Count one attempt for the client IP; return seconds to wait when over the limit, else 0."""
    limit, window = parse_rate(settings.LOGIN_RATE)
    now = time.time()
    bucket = int(now // window)
    key = f"ui-login:{client_ip(request) or 'unknown'}:{bucket}"
    cache.add(key, 0, timeout=window)
    attempts = cache.incr(key)
    if attempts > limit:
        return max(1, int((bucket + 1) * window - now))
    return 0


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse(settings.LOGIN_REDIRECT_URL)


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and request.method == "GET":
        return HttpResponseRedirect(_next_url(request))
    form = AuthenticationForm(request, data=request.POST or None)
    style_fields(form)
    status, throttled = 200, ""
    if request.method == "POST":
        wait = throttle_wait(request)
        if wait:
            form = AuthenticationForm(request, initial={"username": request.POST.get("username")})
            style_fields(form)
            throttled = f"Too many login attempts. Try again in {wait} seconds."
            status = 429
        elif form.is_valid():
            user = cast(User, form.get_user())
            if totp.confirmed_device(user) is not None:
                return totp_step.begin(request, user, _next_url(request))
            login(request, user)
            user_services.record_login(user)
            if access.withheld_customers(user):  # a customer asks for a second factor first
                return HttpResponseRedirect(reverse("ui:account"))
            return HttpResponseRedirect(_next_url(request))
        else:
            user_services.record_login_failed(request.POST.get("username", ""))
            status = 400
    next_url = request.GET.get("next", request.POST.get("next", ""))
    context = {"form": form, "throttled": throttled, "next": next_url}
    return render(request, "auth/login.html", context, status=status)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        user_services.record_logout(request.user)
    sessions.log_out(request)
    return HttpResponseRedirect(reverse(settings.LOGOUT_REDIRECT_URL))


@login_required
@require_POST
def switch_customer(request: HttpRequest) -> HttpResponse:
    """Make a visible customer the active one; anything else is 404."""
    visible = Customer.objects.restrict(request.user, "view").filter(is_active=True)
    customer = get_object_or_404(visible, pk=parse_int(request.POST.get("customer", "")) or 0)
    request.session[SESSION_KEY] = customer.pk
    target = request.POST.get("next", "")  # e.g. "open in <customer>" on a 404 page
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = reverse("ui:dashboard")
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(target)
    return HttpResponseRedirect(target)
