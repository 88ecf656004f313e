"""Device pages: filtered list (HTMX live filtering), detail, create/edit, delete."""

from typing import Any, cast
from urllib.parse import urlencode

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views import View

from webnet.devices import services
from webnet.devices.filters import DeviceFilterSet
from webnet.devices.groups import member_ids
from webnet.devices.models import Device, DeviceGroup, DeviceStatus, SSHHostKey, Tag
from webnet.devices.platforms import Platform
from webnet.locations.models import Site
from webnet.locations.within import NODE_MODELS, parse_node
from webnet.ui.crud import (
    ScopedDeleteView,
    ScopedFormView,
    ScopedListView,
    ScopedMixin,
    active_customer,
    scoped,
)
from webnet.ui.forms.devices import DeviceForm
from webnet.ui.monitoring import device_panel, with_state

FILTER_KEYS = ("q", "platform", "status", "site", "role", "tag", "within")


class DeviceMixin(ScopedMixin):
    model = Device
    nav = "devices"
    url_prefix = "device"
    title_plural = "Devices"


def _distinct(devices: QuerySet, field: str) -> list[str]:
    values = devices.order_by(field).values_list(field, flat=True).distinct()
    return [value for value in values if value]


class DeviceListView(DeviceMixin, ScopedListView):
    template_name = "devices/list.html"
    table_template = "devices/_device_table.html"

    def rows(self) -> QuerySet:
        devices = (
            with_state(self.queryset("view"))
            .select_related("credential", "site")
            .prefetch_related(Prefetch("tags", queryset=Tag.objects.order_by("name")))
        )
        self.filterset = DeviceFilterSet(self._filter_params(), queryset=devices)
        return self.filterset.qs if self.filterset.is_valid() else devices.none()

    def _filter_params(self) -> dict[str, Any]:
        params = self.request.GET
        data: dict[str, Any] = {key: params.get(key, "") for key in FILTER_KEYS if params.get(key)}
        for key in ("platform", "status"):
            if key in data:
                data[key] = [data[key]]
        return data

    def extra_context(self) -> dict[str, Any]:
        every = self.queryset("view")
        customer = active_customer(self.request)
        # Only the filters that are set: the filter form submits every field, and an empty
        # `platform=` is not a valid choice to the API (the export answered 400).
        export = {"customer": customer.pk, **self._filter_params()}
        return {
            "filters": {key: self.request.GET.get(key, "") for key in FILTER_KEYS},
            "filter_errors": self.filterset.errors,
            "platforms": Platform.choices,
            "statuses": DeviceStatus.choices,
            "sites": scoped(self.request, Site).values_list("name", flat=True),
            "roles": _distinct(every, "role"),
            "tags": scoped(self.request, Tag).values_list("name", flat=True),
            "export_query": urlencode(export, doseq=True),
            "within_label": self._within_label(),
        }

    def _within_label(self) -> str:
        """`site AMS1` for `?within=site:7` when the user sees that node, else empty."""
        try:
            node = parse_node(self.request.GET.get("within", ""))
        except ValueError:
            return ""
        found = scoped(self.request, NODE_MODELS[node.kind]).filter(pk=node.id).first()
        return f"{node.kind} {found}" if found else ""


class DeviceDetailView(DeviceMixin, View):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        device = cast(Device, self.get_object(pk))
        host_keys = scoped(request, SSHHostKey).filter(device=device)
        groups = [group for group in scoped(request, DeviceGroup) if device.pk in member_ids(group)]
        context = self.base_context(
            object=device,
            device=device,
            host_keys=host_keys,
            groups=groups,
            tags=device.tags.order_by("name"),
            **device_panel(request, device),
        )
        return render(request, "devices/detail.html", context)


class DeviceFormView(DeviceMixin, ScopedFormView):
    form_class = DeviceForm
    create_service = staticmethod(services.create_device)
    update_service = staticmethod(services.update_device)

    def success_url(self, obj: Any) -> str:
        return reverse("ui:device_detail", args=[obj.pk])


class DeviceDeleteView(DeviceMixin, ScopedDeleteView):
    pass
