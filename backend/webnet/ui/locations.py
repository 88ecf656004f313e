"""Location pages: the tree (device counts, worst state per node), site pages, and the edit forms
of regions, sites, locations and racks. Everything is read through the gate, so a member scoped
to a region sees that region's part of the tree only."""

from typing import Any, ClassVar, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import ProtectedError, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views import View

from webnet.core import access
from webnet.devices.models import Device
from webnet.locations import services
from webnet.locations.models import Location, Rack, Region, Site
from webnet.locations.rollup import Placement, build_tree
from webnet.monitoring.models import SEVERITY
from webnet.ui.crud import (
    ScopedDeleteView,
    ScopedFormView,
    ScopedListView,
    ScopedMixin,
    active_customer,
    scoped,
)
from webnet.ui.forms.locations import LocationForm, RackForm, RegionForm, SiteForm
from webnet.ui.monitoring import with_state


@login_required
def tree(request: HttpRequest) -> HttpResponse:
    """Regions → sites → locations, each with its device count and worst monitoring state."""
    roots = build_tree(
        scoped(request, Region).values_list("pk", "name", "parent_id"),
        scoped(request, Site).values_list("pk", "name", "region_id"),
        scoped(request, Location)
        .order_by("name")
        .values_list("pk", "name", "site_id", "parent_id"),
        (
            Placement(*row)
            for row in with_state(scoped(request, Device)).values_list(
                "site_id", "location_id", "monitor_state"
            )
        ),
        SEVERITY,
    )
    customer = active_customer(request)
    can_add = {
        kind: access.can(request.user, kind, "add", customer.pk)
        for kind in ("region", "site", "location", "rack")
    }
    context = {"nav": "locations", "roots": roots, "can_add": can_add}
    return render(request, "locations/tree.html", context)


class NodeMixin(ScopedMixin):
    nav = "locations"

    def success_url(self, obj: Any) -> str:
        return reverse("ui:location_tree")


class NodeDeleteView(NodeMixin, ScopedDeleteView):
    """A node still holding sites, locations, racks, devices or member scopes stays (PROTECT)."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        try:
            return super().post(request, pk)
        except ProtectedError:
            messages.error(request, "It is still in use: move or delete what is in it first.")
            return HttpResponseRedirect(reverse("ui:location_tree"))


class NodeListView(NodeMixin, ScopedListView):
    table_template = "locations/_node_table.html"
    columns: ClassVar[tuple[str, ...]] = ()

    def rows(self) -> QuerySet:
        """The nodes with what the table names of them (device counts are the tree's)."""
        return self.queryset("view").select_related(*self.columns)

    def extra_context(self) -> dict[str, Any]:
        return {"columns": self.columns}


def _node_views(
    model: type, prefix: str, plural: str, form: type, create: Any, update: Any, columns: tuple
) -> tuple[type, type, type]:
    """The list, form and delete views of one node kind (they differ only in these)."""
    attrs = {"model": model, "url_prefix": prefix, "title_plural": plural}
    list_view = type(f"{model.__name__}ListView", (NodeListView,), {**attrs, "columns": columns})
    form_view = type(
        f"{model.__name__}FormView",
        (NodeMixin, ScopedFormView),
        {
            **attrs,
            "form_class": form,
            "create_service": staticmethod(create),
            "update_service": staticmethod(update),
        },
    )
    delete_view = type(f"{model.__name__}DeleteView", (NodeDeleteView,), attrs)
    return list_view, form_view, delete_view


REGION_VIEWS = _node_views(
    Region,
    "region",
    "Regions",
    RegionForm,
    services.create_region,
    services.update_region,
    ("parent",),
)
SITE_VIEWS = _node_views(
    Site, "site", "Sites", SiteForm, services.create_site, services.update_site, ("region",)
)
LOCATION_VIEWS = _node_views(
    Location,
    "location",
    "Locations",
    LocationForm,
    services.create_location,
    services.update_location,
    ("site", "parent"),
)
RACK_VIEWS = _node_views(
    Rack,
    "rack",
    "Racks",
    RackForm,
    services.create_rack,
    services.update_rack,
    ("site", "location"),
)


class SiteDetailView(NodeMixin, View):
    model = Site
    url_prefix = "site"
    title_plural = "Sites"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        site = cast(Site, self.get_object(pk))
        devices = (
            scoped(request, Device)
            .filter(site=site)
            .select_related("location", "rack")
            .order_by("hostname")
        )
        context = self.base_context(
            object=site,
            site=site,
            locations=scoped(request, Location).filter(site=site).select_related("parent"),
            racks=scoped(request, Rack).filter(site=site).select_related("location"),
            devices=devices,
            within=f"site:{site.pk}",
        )
        return render(request, "locations/site_detail.html", context)
