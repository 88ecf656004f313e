"""The customer's iCalendar feed tokens: create (the feed URL, which holds the secret, is shown
exactly once — ui/once.py), list, revoke. The customer admin's (core/access.py)."""

from typing import cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from webnet.core import tokens
from webnet.maintenance.models import CalendarToken
from webnet.ui import once
from webnet.ui.crud import active_customer, require, scoped
from webnet.ui.errors import get_or_404
from webnet.ui.forms.base import StyledForm

NEW_FEED = "webnet_new_calendar_feed"


class FeedForm(StyledForm):
    name = forms.CharField(max_length=100, help_text="Who subscribes, e.g. “NOC shared calendar”.")


def _feeds(request: HttpRequest):  # type: ignore[no-untyped-def]
    require(request, "calendartoken", "view")
    return scoped(request, CalendarToken).order_by("revoked_at", "name", "pk")


def _page(request: HttpRequest, form: FeedForm, status: int = 200) -> HttpResponse:
    context = {"nav": "calendar_feeds", "feeds": _feeds(request), "form": form}
    return render(request, "maintenance/calendar_feeds.html", context, status=status)


@login_required
def feed_list(request: HttpRequest) -> HttpResponse:
    return _page(request, FeedForm())


@login_required
@require_POST
def feed_create(request: HttpRequest) -> HttpResponse:
    require(request, "calendartoken", "add")
    form = FeedForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    token, raw = tokens.issue(
        CalendarToken, request.user, active_customer(request), form.cleaned_data["name"]
    )
    once.keep(request, NEW_FEED, token.pk, raw)
    return HttpResponseRedirect(reverse("ui:calendar_feed_created", args=[token.pk]))


@login_required
@never_cache
def feed_created(request: HttpRequest, pk: int) -> HttpResponse:
    """The feed URL, once; a second look only says it was shown."""
    token = cast(CalendarToken, get_or_404(request, _feeds(request), pk))
    reveal = once.Reveal(
        nav="calendar_feeds",
        title=f"Calendar feed “{token.name}” created",
        label="Calendar feed URL",
        back_url=reverse("ui:calendar_feed_list"),
        shown_message=f"The URL of “{token.name}” was shown once, when it was created.",
        value=lambda raw: request.build_absolute_uri(reverse("ui:calendar_feed", args=[raw])),
    )
    return once.show(request, NEW_FEED, token.pk, reveal)


@login_required
@require_POST
def feed_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = cast(CalendarToken, get_or_404(request, _feeds(request), pk))
    require(request, "calendartoken", "revoke")
    tokens.revoke(request.user, token)
    messages.success(request, f"Calendar feed “{token.name}” revoked: its URL stops working now.")
    return HttpResponseRedirect(reverse("ui:calendar_feed_list"))
