"""Booking a confirmed plan into a slot on the plan page, and cancelling the booking.

The slot is typed in the user's zone (the page's active zone, named beside the fields); the tick
starts the plan at the slot's start and the plan body (polled) shows it running.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views import View

from webnet.config_mgmt import booking
from webnet.ui.crud import require
from webnet.ui.deploy import PlanMixin


class BookingForm(forms.Form):
    """Parses the plan page's two datetime-local inputs (deploy/_booking.html writes them)."""

    starts = forms.DateTimeField()
    ends = forms.DateTimeField()


class PlanScheduleView(PlanMixin, View):
    """POST starts/ends: book the plan into that slot."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        plan = self.get_plan(pk)
        require(request, "changeplan", "commit")
        form = BookingForm(request.POST)
        if not form.is_valid():
            wrong = "; ".join(
                f"{name}: {' '.join(str(e) for e in errs)}" for name, errs in form.errors.items()
            )
            messages.error(request, f"Not booked: {wrong}")
            return HttpResponseRedirect(reverse("ui:plan_detail", args=[pk]))
        try:
            booking.schedule_plan(request.user, plan, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, f"Not booked: {booking.reason_of(exc)}")
        else:
            messages.success(request, "Booked: the scheduler starts the plan at the slot's start.")
        return HttpResponseRedirect(reverse("ui:plan_detail", args=[pk]))


class PlanCancelScheduleView(PlanMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        plan = self.get_plan(pk)
        require(request, "changeplan", "commit")
        try:
            booking.cancel_booking(request.user, plan)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, f"Not cancelled: {booking.reason_of(exc)}")
        else:
            messages.success(request, "Booking cancelled: the plan is confirmed again.")
        return HttpResponseRedirect(reverse("ui:plan_detail", args=[pk]))
