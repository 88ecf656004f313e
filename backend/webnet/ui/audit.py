"""The audit log: admins read their active customer's events; platform staff read everything."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from webnet.core import access
from webnet.core.models import AuditEvent
from webnet.ui.crud import active_customer, paginate, querystring_without_page
from webnet.ui.forms.audit import AuditFilterSet

PER_PAGE = 50


def _events(request: HttpRequest) -> Any:
    """Staff see every event (platform ones too); others the active customer's, if admin there."""
    events = AuditEvent.objects.restrict(request.user, "view")  # type: ignore[attr-defined]
    if access.is_staff(request.user) and request.GET.get("scope") == "all":
        return events
    customer = active_customer(request)
    if not access.can(request.user, "auditevent", "view", customer.pk):
        raise PermissionDenied("Only admins may read the audit log.")
    return events.for_customer(customer.pk)


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    if not access.can_anywhere(request.user, "auditevent", "view"):
        raise PermissionDenied("Only admins may read the audit log.")
    filterset = AuditFilterSet(request.GET, queryset=_events(request))
    events = filterset.qs.select_related("customer") if filterset.is_valid() else []
    page = paginate(request, events, PER_PAGE)
    rows = [(event, {"changes": event.changes}) for event in page.object_list]
    context = {
        "nav": "audit",
        "filterset": filterset,
        "page": page,
        "rows": rows,
        "querystring": querystring_without_page(request),
        "scope_all": access.is_staff(request.user) and request.GET.get("scope") == "all",
    }
    return render(request, "audit/list.html", context)
