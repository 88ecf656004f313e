"""Changes scheduled into maintenance windows: the list, scheduling a confirmed plan into a window
occurrence (the calendar's gates name every conflict; an admin may override an overridable freeze
with a reason, audited by the service), and cancelling.
"""

from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from webnet.config_mgmt.plans import ChangePlan
from webnet.core import access
from webnet.maintenance import scheduling
from webnet.maintenance.models import MaintenanceWindow, ScheduledChange, ScheduledStatus
from webnet.ui.clock import when
from webnet.ui.crud import (
    ScopedListView,
    ScopedMixin,
    active_customer,
    apply_service_errors,
    require,
    scoped,
)
from webnet.ui.forms.scheduled_changes import ScheduleChangeForm


class ScheduledChangeMixin(ScopedMixin):
    model = ScheduledChange
    nav = "scheduled_changes"
    url_prefix = "scheduled_change"
    title_plural = "Scheduled changes"

    def can(self, action: str) -> bool:
        return access.can(
            self.request.user, self.resource, action, active_customer(self.request).pk
        )


class ScheduledChangeListView(ScheduledChangeMixin, ScopedListView):
    table_template = "maintenance/_scheduled_change_table.html"

    def rows(self) -> QuerySet:
        return (
            self.queryset("view")
            .select_related("plan", "window", "created_by", "override_by")
            .order_by("-occurrence_start", "-id")
        )

    def extra_context(self) -> dict[str, Any]:
        return {"can_cancel": self.can("cancel"), "cancellable": ScheduledStatus.SCHEDULED}


class ScheduleChangeView(ScheduledChangeMixin, View):
    """GET the form (`?plan=` preselects a plan); POST schedules or shows the named conflicts."""

    template_name = "maintenance/schedule_change.html"

    def make_form(self) -> ScheduleChangeForm:
        request = self.request
        customer_id = active_customer(request).pk
        return ScheduleChangeForm(
            request.POST if request.method == "POST" else None,
            initial={"plan": request.GET.get("plan")},
            plans=scoped(request, ChangePlan),
            windows=scoped(request, MaintenanceWindow),
            now=timezone.now(),
            may_override=access.can(request.user, "freezewindow", "override", customer_id),
        )

    def show(self, form: ScheduleChangeForm, status: int = 200) -> HttpResponse:
        context = self.base_context(form=form, is_create=True)
        return render(self.request, self.template_name, context, status=status)

    def get(self, request: HttpRequest) -> HttpResponse:
        require(request, self.resource, "add")
        return self.show(self.make_form())

    def post(self, request: HttpRequest) -> HttpResponse:
        require(request, self.resource, "add")
        form = self.make_form()
        if form.is_valid():
            window, start = form.cleaned_data["occurrence"]
            reason = form.cleaned_data.get("override_reason", "").strip()
            try:
                scheduled, warnings = scheduling.schedule_change(
                    request.user,
                    form.cleaned_data["plan"],
                    window,
                    start,
                    now=timezone.now(),
                    override=bool(reason),
                    override_reason=reason,
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                at = when(scheduled.occurrence_start)
                messages.success(request, f"Scheduled “{scheduled.plan}” in {window.name} at {at}.")
                for warning in warnings:
                    messages.warning(request, f"Note: {warning.message}")
                return HttpResponseRedirect(reverse("ui:scheduled_change_list"))
        return self.show(form, status=400)


class CancelScheduledChangeView(ScheduledChangeMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        scheduled = cast(ScheduledChange, self.get_object(pk))
        require(request, self.resource, "cancel")
        try:
            scheduling.cancel_change(request.user, scheduled)
        except ValidationError as exc:
            messages.error(request, f"Not cancelled: {' '.join(exc.messages)}")
        else:
            messages.success(request, f"Cancelled “{scheduled.plan}” in {scheduled.window.name}.")
        return HttpResponseRedirect(reverse("ui:scheduled_change_list"))
