"""The customer's status page settings: title and public flag, the reader token (rotated — shown
once as the page's URL, ui/once.py — or revoked), and the components the page lists (the
customer's sites). Admins change them; everyone else in the customer sees them read-only."""

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from webnet.core import access
from webnet.locations.models import Site
from webnet.maintenance import status_page
from webnet.maintenance.models import StatusPage
from webnet.ui import once
from webnet.ui.crud import active_customer, require, scoped
from webnet.ui.forms.base import ScopedModelForm

NEW_TOKEN = "webnet_new_status_token"


class StatusPageForm(ScopedModelForm):
    class Meta:
        model = StatusPage
        fields = ["title", "is_public"]
        labels = {"is_public": "Public (anyone with the link; otherwise only with the token)"}


def _page(request: HttpRequest) -> StatusPage | None:
    require(request, "statuspage", "view")
    return scoped(request, StatusPage).first()


def _can(request: HttpRequest, action: str) -> bool:
    return access.can(request.user, "statuspage", action, active_customer(request).pk)


def _show(
    request: HttpRequest, page: StatusPage | None, form: StatusPageForm, status: int = 200
) -> HttpResponse:
    customer = active_customer(request)
    context: dict[str, Any] = {
        "nav": "status_settings",
        "page": page,
        "form": form,
        "can_save": _can(request, "change" if page else "add"),
        "can_rotate": page is not None and _can(request, "rotate_token"),
        "public_url": request.build_absolute_uri(reverse("ui:status_page", args=[customer.slug])),
        "components": scoped(request, Site).order_by("name").values("name", "status"),
    }
    return render(request, "maintenance/status_settings.html", context, status=status)


def _form(request: HttpRequest, page: StatusPage | None) -> StatusPageForm:
    data = request.POST if request.method == "POST" else None
    customer = active_customer(request)
    return StatusPageForm(data, instance=page, customer=customer, user=request.user)


@login_required
def settings_page(request: HttpRequest) -> HttpResponse:
    """GET shows the settings; POST saves them (creating the page the first time)."""
    page = _page(request)
    if request.method != "POST":
        return _show(request, page, _form(request, page))
    require(request, "statuspage", "change" if page else "add")
    form = _form(request, page)
    if not form.is_valid():
        return _show(request, page, form, status=400)
    data = form.service_data()
    if page is None:
        status_page.create_page(request.user, {**data, "customer": active_customer(request)})
    else:
        status_page.update_page(request.user, page, data)
    messages.success(request, "Status page settings saved.")
    return HttpResponseRedirect(reverse("ui:status_settings"))


def _token_page(request: HttpRequest) -> StatusPage | None:
    page = _page(request)
    require(request, "statuspage", "rotate_token")
    if page is None:
        messages.error(request, "Save the status page settings first.")
    return page


@login_required
@require_POST
def rotate_token(request: HttpRequest) -> HttpResponse:
    """A new reader token; the old one stops working. Its link is shown on the next page once."""
    page = _token_page(request)
    if page is None:
        return HttpResponseRedirect(reverse("ui:status_settings"))
    raw = status_page.rotate_token(request.user, page)
    once.keep(request, NEW_TOKEN, page.pk, raw)
    return HttpResponseRedirect(reverse("ui:status_token_created"))


@login_required
@require_POST
def revoke_token(request: HttpRequest) -> HttpResponse:
    page = _token_page(request)
    if page is not None:
        status_page.revoke_token(request.user, page)
        messages.success(request, "Reader token revoked: only a public page can be read now.")
    return HttpResponseRedirect(reverse("ui:status_settings"))


@login_required
@never_cache
def token_created(request: HttpRequest) -> HttpResponse:
    page = _page(request)
    back = reverse("ui:status_settings")
    if page is None:
        return HttpResponseRedirect(back)
    path = reverse("ui:status_page", args=[active_customer(request).slug])
    reveal = once.Reveal(
        nav="status_settings",
        title="Status page reader link",
        label="Reader link",
        back_url=back,
        shown_message="The reader link was shown once, when the token was made.",
        value=lambda raw: request.build_absolute_uri(f"{path}?{urlencode({'token': raw})}"),
    )
    return once.show(request, NEW_TOKEN, page.pk, reveal)
