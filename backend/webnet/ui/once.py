"""A secret shown exactly once, after a POST → redirect → GET.

Why: the page that creates a token must not show its raw value in the POST response (a refresh
would re-submit), and the value must never be stored in the clear. It waits encrypted in the
session for the one page that shows it, and is taken out as it is shown.
"""

from django.http import HttpRequest

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
