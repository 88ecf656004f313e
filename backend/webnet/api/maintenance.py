"""Maintenance windows, freeze windows, scheduled changes and calendar feed tokens.

Writing a window reports its conflicts with the calendar: one on the same device or in a freeze
refuses it (400 naming the item), one on a neighbour or at the same site comes back in `warnings`.
"""

import copy
from typing import Any

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from webnet.api.base import ExportMixin, ScopedModelViewSet, ScopedSerializer
from webnet.api.fields import ScopedRelatedField
from webnet.api.filters import FilterSet
from webnet.api.permissions import CustomerScopedQuerysetMixin
from webnet.api.revocable_tokens import RevocableTokenSerializer, RevocableTokenViewSet
from webnet.api.subscribers import AffectedFormat, affected_response
from webnet.config_mgmt.plans import ChangePlan
from webnet.devices.models import Device, DeviceGroup
from webnet.locations.filters import NodeField
from webnet.locations.models import Location, Region, Site
from webnet.locations.within import Node, within_q
from webnet.maintenance import gates, scheduling, scope, services
from webnet.maintenance.models import (
    CalendarToken,
    FreezeWindow,
    MaintenanceWindow,
    ScheduledChange,
)
from webnet.subscribers.affected import by_window

TIMED_FIELDS = ["starts_at", "ends_at", "time_zone", "rrule", "last_end"]


class TimedSerializer(ScopedSerializer):
    """Checks the definition (end after start, a sane RRULE) like the service will."""

    def _candidate(self, attrs: dict[str, Any]) -> Any:
        model: Any = self.Meta.model
        candidate = model() if self.instance is None else copy.copy(self.instance)
        for name, value in attrs.items():
            if name not in services.SCOPE_FIELDS:
                setattr(candidate, name, value)
        try:
            services.stamp(candidate, timezone.now())
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.message_dict) from exc
        return candidate

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        self._candidate(attrs)
        if self.instance is None:
            attrs["created_by"] = self.context["request"].user
        return attrs


class MaintenanceWindowSerializer(TimedSerializer):
    devices = ScopedRelatedField(Device, many=True, required=False)
    groups = ScopedRelatedField(DeviceGroup, many=True, required=False)
    regions = ScopedRelatedField(Region, many=True, required=False)
    sites = ScopedRelatedField(Site, many=True, required=False)
    locations = ScopedRelatedField(Location, many=True, required=False)
    status = serializers.SerializerMethodField()
    warnings = serializers.SerializerMethodField()
    created_by = serializers.CharField(source="created_by.username", read_only=True, default=None)

    class Meta:
        model = MaintenanceWindow
        fields = [
            "id",
            "customer",
            "name",
            "description",
            "devices",
            "groups",
            "regions",
            "sites",
            "locations",
            *TIMED_FIELDS,
            "behaviour",
            "announce",
            "cancelled",
            "ended_early_at",
            "status",
            "warnings",
            "created_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["last_end", "ended_early_at", "created_at", "updated_at"]

    def get_status(self, obj: MaintenanceWindow) -> str:
        """Derived on read (the same function the tick stores)."""
        return obj.current_status(timezone.now())

    def get_warnings(self, obj: MaintenanceWindow) -> list[str]:
        return self._warnings

    _warnings: list[str] = []  # the conflict check's, set by validate for its response

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        candidate = self._candidate(attrs)
        customer_id = candidate.customer_id

        def chosen(name: str) -> Any:
            if name in attrs:
                return attrs[name]
            return getattr(self.instance, name).all() if self.instance is not None else []

        device_ids = scope.named_device_ids(
            customer_id,
            devices=chosen("devices"),
            groups=chosen("groups"),
            nodes=scope.nodes_of(chosen("regions"), chosen("sites"), chosen("locations")),
        )
        try:
            self._warnings = gates.check_window(candidate, device_ids, timezone.now())
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.message_dict) from exc
        return attrs


class WindowFilter(FilterSet):
    """`within` a location node: windows naming a device, site, location or region there;
    `after`/`before`: windows with occurrences that may overlap that range."""

    within = django_filters.CharFilter(method="filter_within")
    after = django_filters.IsoDateTimeFilter(method="filter_after")
    before = django_filters.IsoDateTimeFilter(method="filter_before")

    class Meta:
        model = MaintenanceWindow
        fields = ["customer", "status", "behaviour", "cancelled"]

    def filter_within(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        node = NodeField().clean(value)
        if node is None:
            return queryset
        return queryset.filter(within_any(node)).distinct()

    def filter_after(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        return queryset.filter(Q(last_end__isnull=True) | Q(last_end__gt=value))

    def filter_before(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        return queryset.filter(starts_at__lt=value)


def within_any(node: Node) -> Q:
    return (
        Q(devices__in=Device.objects.filter(within_q(Device, node)))
        | Q(sites__in=Site.objects.filter(within_q(Site, node)))
        | Q(locations__in=Location.objects.filter(within_q(Location, node)))
        | Q(regions__in=Region.objects.filter(within_q(Region, node)))
    )


class MaintenanceWindowViewSet(ScopedModelViewSet):
    queryset = MaintenanceWindow.objects.select_related("created_by").prefetch_related(
        *services.SCOPE_FIELDS
    )
    serializer_class = MaintenanceWindowSerializer
    filterset_class = WindowFilter
    search_fields = ["name", "description"]
    ordering_fields = ["starts_at", "name", "status"]
    permission_actions = {"end": "end", "affected": "view"}
    create_service = staticmethod(services.save_timed)
    update_service = staticmethod(services.update_timed)

    @extend_schema(request=None, responses=MaintenanceWindowSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request: Request, pk: str | None = None) -> Response:
        """End an active window now: its devices leave maintenance on the next alarm tick."""
        window = services.end_early(request.user, self.get_object())
        return Response(self.get_serializer(window).data)

    @extend_schema(
        parameters=[AffectedFormat],
        responses={200: {"type": "array", "items": {"type": "object"}}},
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def affected(self, request: Request, pk: str | None = None) -> Any:
        """Customers affected: the live services behind the window (CSV: the notice list)."""
        window = self.get_object()
        services = by_window(request.user, window)
        return affected_response(self, request, services, f"maintenance-{window.pk}-affected")


class FreezeWindowSerializer(TimedSerializer):
    region = ScopedRelatedField(Region, required=False, allow_null=True)
    site = ScopedRelatedField(Site, required=False, allow_null=True)
    location = ScopedRelatedField(Location, required=False, allow_null=True)

    class Meta:
        model = FreezeWindow
        fields = [
            "id",
            "customer",
            "name",
            "description",
            "region",
            "site",
            "location",
            *TIMED_FIELDS,
            "mode",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["last_end", "created_at", "updated_at"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        nodes = [n for n in ("region", "site", "location") if attrs.get(n)]
        if len(nodes) > 1:
            raise serializers.ValidationError(
                {nodes[1]: ["Freeze one subtree: a region, a site or a location."]}
            )
        return attrs


class FreezeWindowViewSet(ScopedModelViewSet):
    queryset = FreezeWindow.objects.all()
    serializer_class = FreezeWindowSerializer
    filterset_fields = ["customer", "mode", "region", "site", "location"]
    search_fields = ["name", "description"]
    ordering_fields = ["starts_at", "name"]
    create_service = staticmethod(services.save_timed)
    update_service = staticmethod(services.update_timed)


class ScheduledChangeSerializer(serializers.ModelSerializer):
    customer = serializers.IntegerField(source="customer_id", read_only=True)
    plan = ScopedRelatedField(ChangePlan)
    window = ScopedRelatedField(MaintenanceWindow)
    override = serializers.BooleanField(
        write_only=True, default=False, help_text="An admin overrides an overridable freeze"
    )
    override_reason = serializers.CharField(
        write_only=True, required=False, default="", allow_blank=True, max_length=500
    )
    override_by = serializers.CharField(source="override_by.username", read_only=True, default=None)
    warnings = serializers.SerializerMethodField()

    class Meta:
        model = ScheduledChange
        fields = [
            "id",
            "customer",
            "plan",
            "window",
            "occurrence_start",
            "occurrence_end",
            "status",
            "reason",
            "job",
            "override",
            "override_reason",
            "override_by",
            "overridden",
            "warnings",
            "created_at",
            "started_at",
        ]
        read_only_fields = [
            "occurrence_end",
            "status",
            "reason",
            "job",
            "overridden",
            "created_at",
            "started_at",
        ]

    def get_warnings(self, obj: ScheduledChange) -> list[str]:
        return self.context.get("warnings", [])


class ScheduledChangeViewSet(
    ExportMixin,
    CustomerScopedQuerysetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """A confirmed plan scheduled into a window occurrence: the tick commits it at the start."""

    queryset = ScheduledChange.objects.select_related("plan", "window", "override_by")
    serializer_class = ScheduledChangeSerializer
    filterset_fields = ["customer", "status", "plan", "window"]
    ordering_fields = ["occurrence_start"]
    permission_actions = {"cancel": "cancel"}

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        form = self.get_serializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        scheduled, warnings = scheduling.schedule_change(
            request.user,
            data["plan"],
            data["window"],
            data["occurrence_start"],
            now=timezone.now(),
            override=data["override"],
            override_reason=data["override_reason"],
        )
        context = {**self.get_serializer_context(), "warnings": [w.message for w in warnings]}
        body = ScheduledChangeSerializer(scheduled, context=context).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=ScheduledChangeSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        scheduled = scheduling.cancel_change(request.user, self.get_object())
        return Response(self.get_serializer(scheduled).data)


class CalendarTokenSerializer(RevocableTokenSerializer):
    class Meta(RevocableTokenSerializer.Meta):
        model = CalendarToken


class CalendarTokenViewSet(RevocableTokenViewSet):
    """iCalendar feed tokens: the feed URL (with the secret) is shown once; `revoke/` ends it."""

    queryset = CalendarToken.objects.all()
    serializer_class = CalendarTokenSerializer

    def shown_once(self, raw: str) -> dict[str, str]:
        return {"token": raw, "url": self.request.build_absolute_uri(f"/calendar/{raw}.ics")}
