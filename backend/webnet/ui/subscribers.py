"""Subscriber and service pages: lists, forms, a subscriber's services, a service's transitions
with the provisioning plan they produced and what the NAS answered."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from webnet.core import access
from webnet.core.numbers import parse_int
from webnet.subscribers import affected, provisioning, services
from webnet.subscribers.models import ProvisioningPlan, ServiceInstance, Subscriber
from webnet.subscribers.plan_builder import TRANSITIONS
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
from webnet.ui.forms.subscribers import ServiceForm, SubscriberForm, TransitionForm


class SubscriberMixin(ScopedMixin):
    model = Subscriber
    nav = "subscribers"
    url_prefix = "subscriber"
    title_plural = "Subscribers"


class SubscriberListView(SubscriberMixin, ScopedListView):
    table_template = "subscribers/_subscriber_table.html"

    def rows(self) -> Any:
        return self.queryset("view").select_related("location")


class SubscriberFormView(SubscriberMixin, ScopedFormView):
    form_class = SubscriberForm
    create_service = staticmethod(services.create_subscriber)
    update_service = staticmethod(services.update_subscriber)

    def success_url(self, obj: Any) -> str:
        return reverse("ui:subscriber_detail", args=[obj.pk])


class SubscriberDeleteView(SubscriberMixin, ScopedDeleteView):
    pass


class ServiceMixin(ScopedMixin):
    model = ServiceInstance
    nav = "subscribers"
    url_prefix = "service"
    title_plural = "Services"


class ServiceListView(ServiceMixin, ScopedListView):
    table_template = "subscribers/_service_table.html"

    def rows(self) -> Any:
        rows = self.queryset("view").select_related("subscriber", "plan", "device")
        device = parse_int(self.request.GET.get("device", ""))
        return (
            rows if device is None else rows.filter(device_id=device).exclude(status="terminated")
        )


class ServiceFormView(ServiceMixin, ScopedFormView):
    form_class = ServiceForm
    create_service = staticmethod(services.create_service)
    update_service = staticmethod(services.update_service)

    def make_form(self, obj: Any) -> Any:
        form = super().make_form(obj)
        if obj is None and self.request.GET.get("subscriber", "").isdigit():
            form.initial["subscriber"] = int(self.request.GET["subscriber"])
        return form

    def success_url(self, obj: Any) -> str:
        return reverse("ui:service_detail", args=[obj.pk])


class ServiceDeleteView(ServiceMixin, ScopedDeleteView):
    pass


@login_required
def subscriber_detail(request: HttpRequest, pk: int) -> HttpResponse:
    subscriber = get_or_404(request, scoped(request, Subscriber), pk)
    rows = scoped(request, ServiceInstance).filter(subscriber=subscriber)
    return render(
        request,
        "subscribers/subscriber_detail.html",
        {
            "nav": "subscribers",
            "subscriber": subscriber,
            "services": rows.select_related("plan", "device"),
            "can_change": access.can(request.user, "subscriber", "change", subscriber.customer_id),
            "can_add_service": access.can(
                request.user, "serviceinstance", "add", subscriber.customer_id
            ),
        },
    )


def _service_context(request: HttpRequest, service: ServiceInstance, **extra: Any) -> dict:
    customer = active_customer(request)
    plans = ProvisioningPlan.objects.restrict(request.user, "view").filter(service=service)
    return {
        "nav": "subscribers",
        "service": service,
        "plans": plans.select_related("change_plan")[:10],
        "transitions": [
            name for name, (allowed, _) in TRANSITIONS.items() if service.status in allowed
        ],
        "can_provision": access.can(request.user, "serviceinstance", "provision", customer.pk),
        "form": TransitionForm(user=request.user, customer=customer),
        **extra,
    }


@login_required
def service_detail(request: HttpRequest, pk: int) -> HttpResponse:
    service = get_or_404(request, scoped(request, ServiceInstance), pk)
    return render(request, "subscribers/service_detail.html", _service_context(request, service))


@login_required
@require_POST
def service_transition(request: HttpRequest, pk: int) -> HttpResponse:
    service = get_or_404(request, scoped(request, ServiceInstance), pk)
    require(request, "serviceinstance", "provision")
    form = TransitionForm(request.POST, user=request.user, customer=active_customer(request))
    if form.is_valid():
        try:
            pplan, changed = provisioning.transition(
                request.user,
                service,
                form.cleaned_data["transition"],
                plan=form.cleaned_data.get("plan"),
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            note = "done" if changed else "already so: nothing to do"
            messages.success(request, f"{pplan.get_transition_display()}: {note}.")
            return HttpResponseRedirect(reverse("ui:service_detail", args=[service.pk]))
    service.refresh_from_db()
    context = _service_context(request, service, form=form)
    return render(request, "subscribers/service_detail.html", context, status=400)


@login_required
@require_POST
def service_advance(request: HttpRequest, pk: int) -> HttpResponse:
    service = get_or_404(request, scoped(request, ServiceInstance), pk)
    require(request, "serviceinstance", "provision")
    pplan = provisioning.last_executed(service)
    try:
        if pplan is None:
            raise ValidationError("Nothing was provisioned yet.")
        provisioning.advance(request.user, pplan)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return HttpResponseRedirect(reverse("ui:service_detail", args=[service.pk]))


AFFECTED_PREVIEW = 20


def affected_preview(services: Any) -> dict[str, Any]:
    """For a section on another page: how many, and the first few."""
    return {"count": services.count(), "rows": list(services[:AFFECTED_PREVIEW])}


def affected_response(
    request: HttpRequest, services: Any, *, title: str, back: str, filename: str
) -> HttpResponse:
    """Customers affected by `title`, as a page, or with ?format=csv as the notice list."""
    if request.GET.get("format") == "csv":
        response = HttpResponse(affected.notice_csv(services), content_type="text/csv")
        response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
        return response
    context = {"nav": "subscribers", "title": title, "back": back, "services": services}
    return render(request, "subscribers/affected.html", context)


def affected_counts(request: HttpRequest, device_ids: Any) -> dict[int, int]:
    """For other pages (alarms, incidents, maintenance): live services per device they name."""
    return affected.counts_by_device(request.user, active_customer(request).pk, device_ids)


SUBSCRIBER_VIEWS = (SubscriberListView, SubscriberFormView, SubscriberDeleteView)
SERVICE_VIEWS = (ServiceListView, ServiceFormView, ServiceDeleteView)
