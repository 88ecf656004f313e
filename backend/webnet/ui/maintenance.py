"""The maintenance calendar: windows list and form, the month / week / day calendar, and the
customer's iCalendar feed (behind a revocable token, no session)."""

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from webnet.maintenance import feed


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The feed a calendar app subscribes to; an unknown or revoked token is 404."""
    found = feed.token_for(token)
    if found is None:
        raise Http404("No such calendar.")
    body = feed.render(found.customer_id, timezone.now())
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")
