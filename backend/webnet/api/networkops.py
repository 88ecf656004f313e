"""Topology links (graph, clear with dry run), manual device parents, IP ranges (scan) and the
discovery queue."""

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from webnet.api.base import ExportMixin, ScopedModelViewSet, ScopedSerializer
from webnet.api.fields import CustomerField, ScopedRelatedField, resolve_customer
from webnet.api.permissions import CustomerScopedQuerysetMixin
from webnet.core import access
from webnet.devices.models import Credential, Device
from webnet.devices.platforms import Platform
from webnet.networkops import discovery, parents, scan, topology
from webnet.networkops.models import (
    CustomerIPRange,
    DeviceParent,
    DiscoveryCandidate,
    TopologyLink,
)


def _customer(request: Request, data: Any) -> Any:
    field = CustomerField(required=False)
    field.bind("customer", serializers.Serializer(context={"request": request}))
    value = data.get("customer")
    customer = field.to_internal_value(value) if value not in (None, "") else None
    return resolve_customer(request.user, customer)


class TopologyLinkSerializer(serializers.ModelSerializer):
    local_hostname = serializers.CharField(source="local_device.hostname", read_only=True)
    remote_hostname = serializers.CharField(
        source="remote_device.hostname", read_only=True, default=None
    )

    class Meta:
        model = TopologyLink
        fields = [
            "id",
            "customer",
            "local_device",
            "local_hostname",
            "local_interface",
            "remote_device",
            "remote_hostname",
            "remote_name",
            "remote_interface",
            "remote_address",
            "remote_platform",
            "protocol",
            "first_seen_at",
            "last_seen_at",
        ]
        read_only_fields = fields


class ClearSerializer(serializers.Serializer):
    customer = CustomerField(required=False)
    devices = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False)
    dry_run = serializers.BooleanField(default=True)
    confirm = serializers.BooleanField(default=False)


class TopologyLinkViewSet(
    ExportMixin,
    CustomerScopedQuerysetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Links learned by `topology.discover` jobs; `graph/` for drawing, `clear/` to remove."""

    queryset = TopologyLink.objects.select_related("local_device", "remote_device")
    serializer_class = TopologyLinkSerializer
    filterset_fields = ["customer", "local_device", "remote_device", "protocol"]
    search_fields = ["local_device__hostname", "remote_name", "local_interface"]
    permission_actions = {"graph": "view", "clear": "clear"}

    @extend_schema(
        parameters=[OpenApiParameter("customer", OpenApiTypes.INT)],
        responses={200: OpenApiTypes.OBJECT},
    )
    @action(detail=False, methods=["get"])
    def graph(self, request: Request) -> Response:
        """Nodes (devices with status, unknown neighbours) and edges (LLDP and CDP merged)."""
        customer = _customer(request, request.query_params)
        return Response(topology.graph(request.user, customer.pk))

    @extend_schema(request=ClearSerializer, responses={200: OpenApiTypes.OBJECT})
    @action(detail=False, methods=["post"])
    def clear(self, request: Request) -> Response:
        """Dry run by default (lists what would go); `dry_run: false, confirm: true` deletes."""
        body = ClearSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        customer = body.validated_data.get("customer") or _customer(request, {})
        if not access.can(request.user, "topologylink", "clear", customer.pk):
            return Response({"detail": "Only an admin may clear links."}, status=403)
        devices = body.validated_data.get("devices")
        links = topology.links_to_clear(request.user, customer.pk, devices)
        if body.validated_data["dry_run"] or not body.validated_data["confirm"]:
            rows = TopologyLinkSerializer(links, many=True).data
            return Response({"dry_run": True, "count": len(rows), "links": rows})
        removed = topology.clear_links(request.user, customer.pk, devices)
        return Response({"dry_run": False, "count": removed})


class CustomerIPRangeSerializer(ScopedSerializer):
    class Meta:
        model = CustomerIPRange
        fields = ["id", "customer", "cidr", "ports", "description", "created_at"]
        read_only_fields = ["created_at"]


class ScanSerializer(serializers.Serializer):
    customer = CustomerField(required=False)
    ranges = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False)


class CustomerIPRangeViewSet(ScopedModelViewSet):
    """Where a customer's devices may be found; POST `scan/` probes them (admin)."""

    queryset = CustomerIPRange.objects.all()
    serializer_class = CustomerIPRangeSerializer
    filterset_fields = ["customer"]
    search_fields = ["cidr", "description"]
    create_with_model = False
    create_service = staticmethod(discovery.create_range)
    update_service = staticmethod(discovery.update_range)
    delete_service = staticmethod(discovery.delete_range)
    permission_actions = {"scan": "scan"}

    @extend_schema(request=ScanSerializer, responses={202: OpenApiTypes.OBJECT})
    @action(detail=False, methods=["post"])
    def scan(self, request: Request) -> Response:
        body = ScanSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        customer = body.validated_data.get("customer") or _customer(request, {})
        job = scan.start_scan(request.user, customer, body.validated_data.get("ranges"))
        return Response({"job": job.pk, "targets": job.total}, status=status.HTTP_202_ACCEPTED)


class DiscoveryCandidateSerializer(serializers.ModelSerializer):
    class Meta:
        model = DiscoveryCandidate
        fields = [
            "id",
            "customer",
            "source",
            "status",
            "address",
            "port",
            "hostname",
            "platform",
            "credential",
            "facts",
            "error",
            "seen_by",
            "device",
            "first_seen_at",
            "last_seen_at",
        ]
        read_only_fields = fields


class ApproveSerializer(serializers.Serializer):
    hostname = serializers.CharField(required=False)
    management_host = serializers.CharField(required=False)
    port = serializers.IntegerField(required=False, min_value=1, max_value=65535)
    platform = serializers.ChoiceField(choices=Platform.choices, required=False)
    credential = ScopedRelatedField(Credential, required=False)


class BulkSerializer(serializers.Serializer):
    # Bounded like a primary key: a larger number is a 400, not a database overflow (500).
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1), min_length=1
    )
    action = serializers.ChoiceField(choices=["approve", "reject", "ignore"])


class DiscoveryCandidateViewSet(
    ExportMixin,
    CustomerScopedQuerysetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """The discovery queue: approve (creates the device), reject or ignore; one or in bulk."""

    queryset = DiscoveryCandidate.objects.all()
    serializer_class = DiscoveryCandidateSerializer
    filterset_fields = ["customer", "status", "source", "platform"]
    search_fields = ["hostname", "address"]
    permission_actions = {
        "approve": "approve",
        "reject": "reject",
        "ignore": "reject",
        "bulk": "approve",
    }

    @extend_schema(request=ApproveSerializer, responses={201: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: Any = None) -> Response:
        candidate = self.get_object()
        body = ApproveSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        device: Device = discovery.approve(request.user, candidate, dict(body.validated_data))
        return Response({"device": device.pk}, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: DiscoveryCandidateSerializer})
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: Any = None) -> Response:
        candidate = discovery.decide(request.user, self.get_object(), "rejected")
        return Response(DiscoveryCandidateSerializer(candidate).data)

    @extend_schema(request=None, responses={200: DiscoveryCandidateSerializer})
    @action(detail=True, methods=["post"])
    def ignore(self, request: Request, pk: Any = None) -> Response:
        candidate = discovery.decide(request.user, self.get_object(), "ignored")
        return Response(DiscoveryCandidateSerializer(candidate).data)

    @extend_schema(request=BulkSerializer, responses={200: OpenApiTypes.OBJECT})
    @action(detail=False, methods=["post"])
    def bulk(self, request: Request) -> Response:
        body = BulkSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        candidates = list(
            self.get_queryset().filter(pk__in=body.validated_data["ids"]).order_by("pk")
        )
        results = discovery.bulk(request.user, candidates, body.validated_data["action"])
        return Response({"results": results})


class DeviceParentSerializer(ScopedSerializer):
    device = ScopedRelatedField(Device)
    parent = ScopedRelatedField(Device)  # type: ignore[assignment]  # a declared field, not Field.parent

    class Meta:
        model = DeviceParent
        fields = ["id", "customer", "device", "parent", "created_at"]
        read_only_fields = ["created_at"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        device = attrs.get("device", getattr(self.instance, "device", None))
        if device is not None and device == attrs.get(
            "parent", getattr(self.instance, "parent", None)
        ):
            raise serializers.ValidationError({"parent": ["A device cannot be its own parent."]})
        parent = attrs.get("parent", getattr(self.instance, "parent", None))
        if device is not None and parent is not None:
            loop = parents.cycle_through(device, parent, getattr(self.instance, "pk", None))
            if loop:
                message = f"This would make a loop of parents: {' → '.join(loop)}."
                raise serializers.ValidationError({"parent": [message]})
        return super().validate(attrs)


class DeviceParentViewSet(ScopedModelViewSet):
    """Upstream devices named by hand; monitoring prefers them to LLDP neighbours."""

    queryset = DeviceParent.objects.select_related("device", "parent")
    serializer_class = DeviceParentSerializer
    filterset_fields = ["customer", "device", "parent"]
