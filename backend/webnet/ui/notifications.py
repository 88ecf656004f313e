"""Notification pages: sinks (with a test button), routing rules, templates (with a live
preview), the delivery log (retry dead letters) and the user's inbox."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from webnet.notifications import services
from webnet.notifications.models import (
    Delivery,
    DeliveryStatus,
    InboxItem,
    NotificationTemplate,
    RoutingRule,
    Sink,
)
from webnet.notifications.templates import TemplateRenderError
from webnet.ui.crud import (
    ScopedDeleteView,
    ScopedFormView,
    ScopedListView,
    ScopedMixin,
    active_customer,
    paginate,
    scoped,
)
from webnet.ui.errors import get_or_404
from webnet.ui.forms.notifications import NotificationTemplateForm, RoutingRuleForm, SinkForm


class SinkMixin(ScopedMixin):
    model = Sink
    nav = "notification_sinks"
    url_prefix = "sink"
    title_plural = "Notification sinks"


class SinkListView(SinkMixin, ScopedListView):
    table_template = "notifications/_sink_table.html"


class SinkFormView(SinkMixin, ScopedFormView):
    form_class = SinkForm
    create_service = staticmethod(services.create_sink)
    update_service = staticmethod(services.update_sink)


class SinkDeleteView(SinkMixin, ScopedDeleteView):
    pass


@login_required
@require_POST
def sink_test(request: HttpRequest, pk: int) -> HttpResponse:
    """Send a sample through the real template and transport; say what the receiver said."""
    sink = get_or_404(request, scoped(request, Sink), pk)
    outcome = services.test_sink(request.user, sink)
    if outcome.ok:
        messages.success(request, f"Test sent to “{sink}”.")
    else:
        messages.error(request, f"Test to “{sink}” failed: {outcome.error}")
    return HttpResponseRedirect(reverse("ui:sink_list"))


class RuleMixin(ScopedMixin):
    model = RoutingRule
    nav = "routing_rules"
    url_prefix = "routing_rule"
    title_plural = "Routing rules"


class RuleListView(RuleMixin, ScopedListView):
    table_template = "notifications/_rule_table.html"

    def rows(self) -> QuerySet:
        return self.queryset("view").prefetch_related("sinks", "users")


class RuleFormView(RuleMixin, ScopedFormView):
    form_class = RoutingRuleForm
    create_service = staticmethod(services.create_rule)
    update_service = staticmethod(services.update_rule)


class RuleDeleteView(RuleMixin, ScopedDeleteView):
    pass


class TemplateMixin(ScopedMixin):
    model = NotificationTemplate
    nav = "notification_templates"
    url_prefix = "notification_template"
    title_plural = "Notification templates"


class TemplateListView(TemplateMixin, ScopedListView):
    table_template = "notifications/_template_table.html"


class TemplateFormView(TemplateMixin, ScopedFormView):
    form_class = NotificationTemplateForm
    template_name = "notifications/template_form.html"
    create_service = staticmethod(services.create_template)
    update_service = staticmethod(services.update_template)


class TemplateDeleteView(TemplateMixin, ScopedDeleteView):
    pass


@login_required
@require_POST
def template_preview(request: HttpRequest) -> HttpResponse:
    """HTMX: the form's subject and body rendered against a sample message."""
    context: dict[str, Any] = {}
    try:
        context["rendered"] = services.preview(
            request.user,
            active_customer(request),
            topic=request.POST.get("topic") or "alarm",
            channel=request.POST.get("channel") or "email",
            subject=request.POST.get("subject", ""),
            body=request.POST.get("body", ""),
        )
    except TemplateRenderError as exc:
        context["error"] = str(exc)
    return render(request, "notifications/_preview.html", context)


class DeliveryListView(ScopedListView):
    model = Delivery
    nav = "deliveries"
    url_prefix = "delivery"
    title_plural = "Deliveries"
    template_name = "notifications/deliveries.html"
    table_template = "notifications/_delivery_table.html"

    def rows(self) -> QuerySet:
        rows = self.queryset("view").select_related("message", "sink", "user")
        status = self.request.GET.get("status")
        if status in DeliveryStatus.values:
            rows = rows.filter(status=status)
        return rows

    def base_context(self, **extra: Any) -> dict[str, Any]:
        return {
            "nav": self.nav,
            "title_plural": self.title_plural,
            "statuses": DeliveryStatus.values,
            "status": self.request.GET.get("status", ""),
            **extra,
        }


@login_required
@require_POST
def delivery_retry(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = get_or_404(request, scoped(request, Delivery), pk)
    try:
        services.retry_delivery(request.user, delivery)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Delivery queued again.")
    return HttpResponseRedirect(reverse("ui:delivery_list") + "?status=dead")


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    items = scoped(request, InboxItem).filter(user_id=request.user.pk)
    page = paginate(request, items)
    return render(request, "notifications/inbox.html", {"nav": "inbox", "page": page})


@login_required
@require_POST
def inbox_mark_read(request: HttpRequest) -> HttpResponse:
    items = scoped(request, InboxItem).filter(user_id=request.user.pk, read_at__isnull=True)
    if request.POST.get("id"):
        items = items.filter(pk=request.POST["id"])
    services.mark_read(request.user, items)
    return HttpResponseRedirect(reverse("ui:inbox"))
