"""Configuration pages: a device's history and diffs, customer-wide drift, golden templates."""

from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views import View

from webnet.config_mgmt import drift, services, templates
from webnet.config_mgmt.diff import as_json
from webnet.config_mgmt.models import BackupState, ConfigSnapshot, ConfigTemplate
from webnet.config_mgmt.render import TemplateRenderError
from webnet.core import access
from webnet.core.numbers import parse_int
from webnet.devices.models import Device
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
from webnet.ui.forms.config import ConfigTemplateForm

DAY_CHOICES = (1, 7, 30, 90)


def device_config(request: HttpRequest, pk: int) -> HttpResponse:
    """A device's configuration history with drift badges; pick two snapshots to diff."""
    device = get_object_or_404(scoped(request, Device), pk=pk)
    snapshots = scoped(request, ConfigSnapshot).filter(device=device).order_by("-created_at", "-id")
    state = scoped(request, BackupState).filter(device=device).first()
    context = {
        "nav": "devices",
        "device": device,
        "page": paginate(request, snapshots),
        "state": state,
        "can_run_jobs": access.can(request.user, "job", "add", active_customer(request).pk),
    }
    return render(request, "config_mgmt/device_config.html", context)


def snapshot_detail(request: HttpRequest, pk: int) -> HttpResponse:
    snapshot = get_or_404(request, scoped(request, ConfigSnapshot).select_related("device"), pk)
    context = {
        "nav": "devices",
        "snapshot": snapshot,
        "device": snapshot.device,
        "text": services.visible_text(request.user, snapshot),
        "masked": not services.may_see_secrets(request.user, snapshot.customer_id),
        "previous": drift.previous_of(snapshot),
    }
    return render(request, "config_mgmt/snapshot.html", context)


def snapshot_diff(request: HttpRequest) -> HttpResponse:
    """Diff of ?a=&b= (both visible in the active customer, else 404)."""
    visible = scoped(request, ConfigSnapshot).select_related("device")
    ids = [parse_int(request.GET.get(name, "")) for name in ("a", "b")]
    if None in ids:
        raise Http404("Pick two snapshots.")
    old, new = (get_object_or_404(visible, pk=i) for i in ids)
    if old.created_at > new.created_at:
        old, new = new, old
    try:
        hunks = services.snapshot_diff(request.user, old, new)
    except ValidationError as exc:  # snapshots of two devices
        messages.error(request, " ".join(exc.messages))
        return HttpResponseRedirect(reverse("ui:device_config", args=[new.device_id]))
    context = {
        "nav": "devices",
        "device": new.device,
        "old": old,
        "new": new,
        "diff": {**as_json(hunks), "a": old.pk, "b": new.pk},
    }
    return render(request, "config_mgmt/diff.html", context)


def config_changes(request: HttpRequest) -> HttpResponse:
    """Customer-wide: which devices changed in the last N days, deploy or out of band."""
    days = parse_int(request.GET.get("days", ""), minimum=1, maximum=366) or 7
    rows = drift.recent_changes(scoped(request, ConfigSnapshot), days)
    page = paginate(request, rows)
    for snapshot in page.object_list:
        previous = drift.previous_of(snapshot)
        snapshot.previous_id = previous.pk if previous else None
    context = {"nav": "config_changes", "page": page, "days": days, "day_choices": DAY_CHOICES}
    return render(request, "config_mgmt/changes.html", context)


class TemplateMixin(ScopedMixin):
    model = ConfigTemplate
    nav = "config_templates"
    url_prefix = "config_template"
    title_plural = "Config templates"


class TemplateListView(TemplateMixin, ScopedListView):
    table_template = "config_mgmt/_template_table.html"


class TemplateFormView(TemplateMixin, ScopedFormView):
    form_class = ConfigTemplateForm
    create_service = staticmethod(services.create_template)
    update_service = staticmethod(services.update_template)

    def success_url(self, obj: Any) -> str:
        return reverse("ui:config_template_preview", args=[obj.pk])


class TemplateDeleteView(TemplateMixin, ScopedDeleteView):
    pass


class TemplatePreviewView(TemplateMixin, View):
    """Render the template for a chosen device; errors are shown with their line."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        template = cast(ConfigTemplate, self.get_object(pk))
        devices = scoped(request, Device).order_by("hostname")
        if template.platforms:
            devices = devices.filter(platform__in=template.platforms)
        chosen = parse_int(request.GET.get("device", ""))
        device = devices.filter(pk=chosen).first() if chosen is not None else None
        output, error, sources = "", None, []
        if device is not None:
            sources = templates.variable_sources(template, device)
            try:
                output = templates.render(template, device)
            except TemplateRenderError as exc:
                error = exc
        context = self.base_context(
            object=template,
            template_obj=template,
            devices=devices,
            device=device,
            output=output,
            error=error,
            sources=sources,
        )
        return render(request, "config_mgmt/template_preview.html", context)
