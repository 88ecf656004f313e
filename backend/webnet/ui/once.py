"""A secret shown exactly once, after a POST → redirect → GET.

Why: the page that creates a token must not show its raw value in the POST response (a refresh
would re-submit), and the value must never be stored in the clear. It waits encrypted in the
session for the one page that shows it, and is taken out as it is shown; a second look only
says that it was shown.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render

from webnet.core import crypto


def keep(request: HttpRequest, key: str, pk: int, raw: str) -> None:
    """Hold `raw` (encrypted) for the next page that shows object `pk`'s value."""
    request.session[key] = {"pk": pk, "raw": crypto.encrypt(raw)}


def take(request: HttpRequest, key: str, pk: int) -> str | None:
    """The raw value waiting for object `pk`, removed from the session; None when it was shown
    already (or was never for this object)."""
    waiting = request.session.get(key) or {}
    if waiting.get("pk") != pk:
        return None
    del request.session[key]
    return crypto.decrypt(waiting["raw"])


@dataclass(frozen=True)
class Reveal:
    """How one kind of secret is shown: the page's words, where "Done" goes, what is copied."""

    nav: str
    title: str
    label: str  # what the copied value is, e.g. "API token"
    back_url: str
    shown_message: str  # said on a second look, instead of the value
    value: Callable[[str], str] = str  # the raw secret → what the user copies (e.g. a URL)


def show(request: HttpRequest, key: str, pk: int, reveal: Reveal) -> HttpResponse:
    """The page with the value waiting for `pk`, once; afterwards a redirect back saying so."""
    raw = take(request, key, pk)
    if raw is None:
        messages.info(request, reveal.shown_message)
        return HttpResponseRedirect(reveal.back_url)
    context = {
        "nav": reveal.nav,
        "title": reveal.title,
        "label": reveal.label,
        "back_url": reveal.back_url,
        "secret_props": {"value": reveal.value(raw), "label": reveal.label},
    }
    return render(request, "ui/shown_once.html", context)
