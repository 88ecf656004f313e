"""Locations: regions, sites, locations, racks (CRUD, `?within=` filters), membership scopes."""

from typing import Any

from rest_framework import serializers

from webnet.api.base import ScopedModelViewSet, ScopedSerializer
from webnet.api.fields import ScopedRelatedField
from webnet.api.filters import FilterSet
from webnet.locations import services
from webnet.locations.filters import WithinFilter
from webnet.locations.models import Location, Rack, Region, Site
from webnet.locations.within import NODE_FORMAT, SCOPE_KINDS, Node, parse_node


class ScopeField(serializers.CharField):
    """A membership's scope as `region:3`, `site:7` or `location:12` (null: whole customer)."""

    def to_representation(self, value: tuple[str, int]) -> str:  # type: ignore[override]
        return str(Node(*value))

    def to_internal_value(self, data: Any) -> Node:  # type: ignore[override]
        try:
            node = parse_node(str(super().to_internal_value(data)))
        except ValueError as exc:
            raise serializers.ValidationError(str(exc)) from exc
        if node.kind not in SCOPE_KINDS:
            raise serializers.ValidationError("A scope is a region, a site or a location.")
        return node


class RegionSerializer(ScopedSerializer):
    parent = ScopedRelatedField(Region, required=False, allow_null=True)  # type: ignore[assignment]

    class Meta:
        model = Region
        fields = ["id", "customer", "name", "parent", "description", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]


class SiteSerializer(ScopedSerializer):
    region = ScopedRelatedField(Region, required=False, allow_null=True)

    class Meta:
        model = Site
        fields = [
            "id",
            "customer",
            "name",
            "region",
            "status",
            "address",
            "latitude",
            "longitude",
            "time_zone",
            "description",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]


class LocationSerializer(ScopedSerializer):
    site = ScopedRelatedField(Site, required=False)
    parent = ScopedRelatedField(Location, required=False, allow_null=True)  # type: ignore[assignment]

    class Meta:
        model = Location
        fields = [
            "id",
            "customer",
            "name",
            "site",
            "parent",
            "kind",
            "status",
            "description",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]


class RackSerializer(ScopedSerializer):
    site = ScopedRelatedField(Site, required=False)
    location = ScopedRelatedField(Location, required=False, allow_null=True)  # type: ignore[assignment]

    class Meta:
        model = Rack
        fields = [
            "id",
            "customer",
            "name",
            "site",
            "location",
            "status",
            "units",
            "description",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]


def _filterset(model_class: type, names: list[str]) -> type[FilterSet]:
    """The resource's FilterSet: its own fields and `?within=<kind>:<id>` (node and below)."""
    meta = type("Meta", (), {"model": model_class, "fields": names})
    return type(
        f"{model_class.__name__}Filter",
        (FilterSet,),
        {"Meta": meta, "within": WithinFilter(label=f"Within a node ({NODE_FORMAT})")},
    )


class RegionViewSet(ScopedModelViewSet):
    queryset = Region.objects.all()
    serializer_class = RegionSerializer
    filterset_class = _filterset(Region, ["customer", "parent", "name"])
    search_fields = ["name", "description"]
    ordering_fields = ["name", "created_at"]
    create_with_model = False
    create_service = staticmethod(services.create_region)
    update_service = staticmethod(services.update_region)


class SiteViewSet(ScopedModelViewSet):
    queryset = Site.objects.all()
    serializer_class = SiteSerializer
    filterset_class = _filterset(Site, ["customer", "region", "status", "name"])
    search_fields = ["name", "address", "description"]
    ordering_fields = ["name", "status", "created_at"]
    create_with_model = False
    create_service = staticmethod(services.create_site)
    update_service = staticmethod(services.update_site)


class LocationViewSet(ScopedModelViewSet):
    queryset = Location.objects.all()
    serializer_class = LocationSerializer
    filterset_class = _filterset(Location, ["customer", "site", "parent", "kind", "status"])
    search_fields = ["name", "description"]
    ordering_fields = ["name", "kind", "created_at"]
    create_with_model = False
    create_service = staticmethod(services.create_location)
    update_service = staticmethod(services.update_location)


class RackViewSet(ScopedModelViewSet):
    queryset = Rack.objects.all()
    serializer_class = RackSerializer
    filterset_class = _filterset(Rack, ["customer", "site", "location", "status"])
    search_fields = ["name", "description"]
    ordering_fields = ["name", "created_at"]
    create_with_model = False
    create_service = staticmethod(services.create_rack)
    update_service = staticmethod(services.update_rack)
