"""The maintenance calendar: windows list and form, the month / week / day calendar, and the
customer's iCalendar feed (behind a revocable token, no session)."""

from datetime import date, datetime, timedelta
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.decorators.http import require_GET

from webnet.core import access
from webnet.maintenance import feed, gates, scope, services
from webnet.maintenance.models import FreezeWindow, MaintenanceWindow, ScheduledChange
from webnet.subscribers.affected import by_window
from webnet.ui.crud import (
    ScopedDeleteView,
    ScopedFormView,
    ScopedListView,
    ScopedMixin,
    active_customer,
    require,
    scoped,
)
from webnet.ui.errors import get_or_404
from webnet.ui.forms.base import ScopedModelForm
from webnet.ui.forms.maintenance import MaintenanceWindowForm
from webnet.ui.subscribers import affected_response

VIEWS = {"month": 31, "week": 7, "day": 1}


class WindowMixin(ScopedMixin):
    model = MaintenanceWindow
    nav = "maintenance"
    url_prefix = "maintenance"
    title_plural = "Maintenance windows"


class WindowListView(WindowMixin, ScopedListView):
    table_template = "maintenance/_window_table.html"

    def rows(self) -> QuerySet:
        return self.queryset("view").order_by("-starts_at")

    def extra_context(self) -> dict[str, Any]:
        now = timezone.now()
        for window in self.page.object_list:  # derived on read, like the API
            window.derived_status = window.current_status(now)
        customer_id = active_customer(self.request).pk
        return {"can_end": access.can(self.request.user, self.resource, "end", customer_id)}


class WindowFormView(WindowMixin, ScopedFormView):
    """Create or edit; a conflict on the same device or with a freeze is shown on the form."""

    form_class = MaintenanceWindowForm
    create_service = staticmethod(services.save_timed)
    update_service = staticmethod(services.update_timed)

    def save(self, form: ScopedModelForm, obj: Any) -> Any:
        data = form.service_data()
        candidate = form.instance
        candidate.customer = active_customer(self.request)
        services.stamp(candidate, timezone.now())
        device_ids = scope.named_device_ids(
            candidate.customer_id,
            devices=data["devices"],
            groups=data["groups"],
            nodes=scope.nodes_of(data["regions"], data["sites"], data["locations"]),
        )
        warnings = gates.check_window(candidate, device_ids, timezone.now())
        if obj is None:
            data["customer"] = candidate.customer
            data["created_by"] = self.request.user
            saved = services.save_timed(self.request.user, MaintenanceWindow, data)
        else:
            saved = services.update_timed(self.request.user, obj, data)
        for warning in warnings:
            messages.warning(self.request, f"Overlaps {warning}")
        return saved


class WindowDeleteView(WindowMixin, ScopedDeleteView):
    pass


class WindowEndView(WindowMixin, View):
    """End an active window now (GET asks for confirmation): it stops covering its devices."""

    def get_window(self, pk: int) -> MaintenanceWindow:
        return cast(MaintenanceWindow, self.get_object(pk))

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        window = self.get_window(pk)
        require(request, self.resource, "end")
        context = self.base_context(object=window, status=window.current_status(timezone.now()))
        return render(request, "maintenance/confirm_end.html", context)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        window = self.get_window(pk)
        require(request, self.resource, "end")
        try:
            services.end_early(request.user, window)
        except ValidationError as exc:
            messages.error(request, f"Not ended: {' '.join(exc.messages)}")
        else:
            messages.success(request, f"Maintenance window “{window.name}” ended.")
        return HttpResponseRedirect(reverse("ui:maintenance_list"))


def _day(text: str | None) -> date:
    try:
        return date.fromisoformat(text) if text else timezone.localdate()
    except ValueError:
        return timezone.localdate()


@login_required
def calendar(request: HttpRequest) -> HttpResponse:
    """Windows, scheduled changes and freezes per day, in the user's zone."""
    view = request.GET.get("view", "week")
    view = view if view in VIEWS else "week"
    first = _day(request.GET.get("date"))
    if view == "month":
        first = first.replace(day=1)
    elif view == "week":
        first -= timedelta(days=first.weekday())
    zone = timezone.get_current_timezone()
    start = datetime.combine(first, datetime.min.time(), zone)
    days = VIEWS[view] if view != "month" else _month_days(first)
    end = datetime.combine(first + timedelta(days=days), datetime.min.time(), zone)
    agenda = _agenda(request, start, end)
    rows = []
    for offset in range(days):
        day = first + timedelta(days=offset)
        lo = datetime.combine(day, datetime.min.time(), zone)
        hi = lo + timedelta(days=1)
        items = [item for item in agenda if item["start"] < hi and item["end"] > lo]
        rows.append({"day": day.isoformat(), "weekday": day.strftime("%a"), "items": items})
    step = timedelta(days=days)
    context = {
        "nav": "maintenance",
        "view": view,
        "views": list(VIEWS),
        "rows": rows,
        "first": first.isoformat(),
        "previous": (first - (step if view != "month" else timedelta(days=1))).isoformat(),
        "next": (first + step).isoformat(),
    }
    return render(request, "maintenance/calendar.html", context)


def _month_days(first: date) -> int:
    following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return (following - first).days


def _agenda(request: HttpRequest, start: datetime, end: datetime) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    windows = services.overlapping(
        scoped(request, MaintenanceWindow).filter(cancelled=False), start, end
    )
    for window in windows:
        items += [
            {
                "kind": "maintenance",
                "name": window.name,
                "start": lo,
                "end": hi,
                "detail": window.get_behaviour_display(),
            }
            for lo, hi in window.occurrences(start, end)
        ]
    for freeze in services.overlapping(scoped(request, FreezeWindow), start, end):
        items += [
            {
                "kind": "freeze",
                "name": freeze.name,
                "start": lo,
                "end": hi,
                "detail": freeze.get_mode_display(),
            }
            for lo, hi in freeze.occurrences(start, end)
        ]
    changes = scoped(request, ScheduledChange).filter(
        occurrence_start__lt=end, occurrence_end__gt=start
    )
    for change in changes.select_related("plan", "window"):
        items.append(
            {
                "kind": "change",
                "name": str(change.plan),
                "start": change.occurrence_start,
                "end": change.occurrence_end,
                "detail": f"{change.get_status_display()} in {change.window.name}",
            }
        )
    return sorted(items, key=lambda item: (item["start"], item["name"]))


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The feed a calendar app subscribes to; an unknown or revoked token is 404."""
    found = feed.token_for(token)
    if found is None:
        raise Http404("No such calendar.")
    body = feed.render(found.customer_id, timezone.now())
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")


@login_required
def window_affected(request: HttpRequest, pk: int) -> HttpResponse:
    """The subscribers behind a maintenance window, as a page or CSV for the notice."""
    window = get_or_404(request, scoped(request, MaintenanceWindow), pk)
    return affected_response(
        request,
        by_window(request.user, window),
        title=f"Maintenance: {window.name}",
        back=reverse("ui:maintenance_list"),
        filename=f"maintenance-{window.pk}-affected",
    )
