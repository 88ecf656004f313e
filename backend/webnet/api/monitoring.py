"""Monitoring resources: poll profiles, SNMP credentials (write-only secrets), per-device
bindings, device state, interfaces, time series and availability."""

from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from webnet.api.base import ExportMixin, ScopedModelViewSet, ScopedSerializer
from webnet.api.fields import CustomerField, ScopedRelatedField, resolve_customer
from webnet.api.permissions import CustomerScopedQuerysetMixin
from webnet.devices.models import Device
from webnet.monitoring import availability, services
from webnet.monitoring.models import (
    DeviceMonitoring,
    DeviceState,
    Interface,
    PollProfile,
    SnmpCredential,
)

AUTH_PROTOCOLS = ["", "MD5", "SHA", "SHA-224", "SHA-256", "SHA-384", "SHA-512"]
PRIV_PROTOCOLS = ["", "DES", "3DES", "AES", "AES-192", "AES-256"]


def _secret() -> serializers.CharField:
    return serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        max_length=200,
        style={"input_type": "password"},
    )


class SnmpCredentialSerializer(ScopedSerializer):
    community = _secret()
    auth_key = _secret()
    priv_key = _secret()
    auth_protocol = serializers.ChoiceField(AUTH_PROTOCOLS, required=False)
    priv_protocol = serializers.ChoiceField(PRIV_PROTOCOLS, required=False)

    class Meta:
        model = SnmpCredential
        fields = [
            "id",
            "customer",
            "name",
            "description",
            "version",
            "community",
            "username",
            "auth_protocol",
            "auth_key",
            "priv_protocol",
            "priv_key",
            "has_community",
            "has_auth_key",
            "has_priv_key",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        version = attrs.get("version", getattr(self.instance, "version", "v2c"))
        username = attrs.get("username", getattr(self.instance, "username", ""))
        if version == "v3" and not username:
            raise serializers.ValidationError({"username": ["SNMP v3 needs a user name."]})
        return attrs


class SnmpCredentialViewSet(ScopedModelViewSet):
    queryset = SnmpCredential.objects.all()
    serializer_class = SnmpCredentialSerializer
    filterset_fields = ["customer", "version"]
    search_fields = ["name", "username", "description"]
    ordering_fields = ["name", "created_at"]
    create_with_model = False
    create_service = staticmethod(services.create_snmp_credential)
    update_service = staticmethod(services.update_snmp_credential)


def _django_errors(check: Any, value: Any) -> Any:
    try:
        return check(value)
    except DjangoValidationError as exc:
        raise serializers.ValidationError(exc.messages) from exc


class PollProfileSerializer(ScopedSerializer):
    snmp_credential = ScopedRelatedField(SnmpCredential, required=False, allow_null=True)
    parts = serializers.ListField(child=serializers.CharField(max_length=20), required=False)
    custom_oids = serializers.ListField(
        child=serializers.CharField(max_length=200), required=False, max_length=100
    )

    class Meta:
        model = PollProfile
        fields = [
            "id",
            "customer",
            "name",
            "description",
            "is_default",
            "interval_s",
            "parts",
            "custom_oids",
            "timeout_s",
            "retries",
            "snmp_credential",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]

    def validate_parts(self, value: list[str]) -> list[str]:
        return _django_errors(services.validate_parts, value)

    def validate_custom_oids(self, value: list[str]) -> list[str]:
        return _django_errors(services.validate_oids, value)


class PollProfileViewSet(ScopedModelViewSet):
    queryset = PollProfile.objects.all()
    serializer_class = PollProfileSerializer
    filterset_fields = ["customer", "is_default", "snmp_credential"]
    search_fields = ["name", "description"]
    ordering_fields = ["name", "interval_s", "created_at"]


class DeviceMonitoringSerializer(ScopedSerializer):
    device = ScopedRelatedField(Device)
    profile = ScopedRelatedField(PollProfile, required=False, allow_null=True)
    snmp_credential = ScopedRelatedField(SnmpCredential, required=False, allow_null=True)

    class Meta:
        model = DeviceMonitoring
        fields = [
            "id",
            "customer",
            "device",
            "enabled",
            "profile",
            "snmp_credential",
            "snmp_address",
            "snmp_port",
        ]


class DeviceMonitoringViewSet(ScopedModelViewSet):
    """A device's own monitoring settings (without one it follows the default profile)."""

    queryset = DeviceMonitoring.objects.all()
    serializer_class = DeviceMonitoringSerializer
    filterset_fields = ["customer", "device", "profile", "enabled"]


class DeviceStateSerializer(serializers.ModelSerializer):
    hostname = serializers.CharField(source="device.hostname", read_only=True)

    class Meta:
        model = DeviceState
        fields = [
            "id",
            "customer",
            "device",
            "hostname",
            "state",
            "since",
            "reason",
            "last_polled_at",
            "last_seen_at",
            "sys_name",
            "sys_descr",
            "rtt_ms",
            "loss_pct",
            "cpu_pct",
            "mem_pct",
        ]
        read_only_fields = fields


class ReadOnlyScoped(
    ExportMixin,
    CustomerScopedQuerysetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Rows the poller writes; read (and exported) through the gate only."""


class DeviceStateViewSet(ReadOnlyScoped):
    queryset = DeviceState.objects.select_related("device")
    serializer_class = DeviceStateSerializer
    filterset_fields = ["customer", "device", "state"]
    search_fields = ["device__hostname", "reason"]
    ordering_fields = ["device__hostname", "state", "since", "last_seen_at", "rtt_ms", "cpu_pct"]
    ordering = ["device__hostname"]


class InterfaceSerializer(serializers.ModelSerializer):
    hostname = serializers.CharField(source="device.hostname", read_only=True)

    class Meta:
        model = Interface
        fields = [
            "id",
            "customer",
            "device",
            "hostname",
            "if_index",
            "name",
            "descr",
            "alias",
            "admin_status",
            "oper_status",
            "speed_bps",
            "in_bps",
            "out_bps",
            "in_errors_ps",
            "out_errors_ps",
            "in_discards_ps",
            "out_discards_ps",
            "utilisation_pct",
            "status_since",
            "updated_at",
        ]
        read_only_fields = fields


class InterfaceViewSet(ReadOnlyScoped):
    queryset = Interface.objects.select_related("device")
    serializer_class = InterfaceSerializer
    filterset_fields = ["customer", "device", "oper_status", "admin_status"]
    search_fields = ["name", "descr", "alias", "device__hostname"]
    ordering_fields = ["device", "if_index", "name", "in_bps", "out_bps", "utilisation_pct"]


class SeriesQuery(serializers.Serializer):
    device = serializers.IntegerField(min_value=1)
    resource = serializers.RegexField(r"^(device|if:\d{1,10})$", default="device")
    metric = serializers.RegexField(r"^[\w.:-]{1,100}(,[\w.:-]{1,100}){0,9}$")
    start = serializers.DateTimeField(required=False)
    end = serializers.DateTimeField(required=False)
    step = serializers.ChoiceField(["auto", *services.STEPS], default="auto")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs["end"] = attrs.get("end") or timezone.now()
        attrs["start"] = attrs.get("start") or attrs["end"] - timedelta(hours=1)
        if attrs["start"] >= attrs["end"]:
            raise serializers.ValidationError({"from": ["Must be before `to`."]})
        if attrs["end"] - attrs["start"] > timedelta(days=800):
            raise serializers.ValidationError({"from": ["At most 800 days at a time."]})
        return attrs


def _query(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    """Query parameters through a serializer (`from`/`to` are reserved words in Python)."""
    params = request.query_params.dict()
    for outside, inside in (("from", "start"), ("to", "end")):
        if outside in params:
            params[inside] = params.pop(outside)
    form = serializer_class(data=params, context={"request": request})
    form.is_valid(raise_exception=True)
    return dict(form.validated_data)


class SeriesView(APIView):
    """Time series of one device or interface: raw samples, or 5 min / 1 h rollups by range."""

    access_resource = "sample"

    @extend_schema(
        parameters=[
            OpenApiParameter("device", OpenApiTypes.INT, required=True),
            OpenApiParameter("resource", OpenApiTypes.STR, description="device | if:<ifIndex>"),
            OpenApiParameter("metric", OpenApiTypes.STR, required=True, description="a,b,…"),
            OpenApiParameter("from", OpenApiTypes.DATETIME),
            OpenApiParameter("to", OpenApiTypes.DATETIME),
            OpenApiParameter("step", OpenApiTypes.STR, enum=["auto", "raw", "5m", "1h"]),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> Response:
        query = _query(SeriesQuery, request)
        device = (
            Device.objects.restrict(request.user, "view")
            .filter(pk=query["device"])
            .only("pk", "customer_id")
            .first()
        )
        if device is None:
            raise serializers.ValidationError({"device": ["Not found."]})
        resource = query["resource"]
        if_index = 0 if resource == "device" else int(resource.split(":")[1])
        step = services.pick_step(query["start"], query["end"], query["step"])
        return Response(
            {
                "device": device.pk,
                "resource": resource,
                "step": step,
                "from": query["start"],
                "to": query["end"],
                "series": [
                    services.series(
                        device.customer_id,
                        device.pk,
                        metric,
                        query["start"],
                        query["end"],
                        if_index=if_index,
                        step=step,
                    )
                    for metric in query["metric"].split(",")
                ],
            }
        )


class AvailabilityQuery(serializers.Serializer):
    customer = CustomerField(required=False)
    days = serializers.ChoiceField(availability.PERIODS_DAYS, default=30)
    kind = serializers.ChoiceField(["device", "interface", "site"], default="device")
    device = serializers.IntegerField(min_value=1, required=False)


class AvailabilityView(APIView):
    """Availability over the last 1/7/30/365 days per device, interface or site."""

    access_resource = "statetransition"

    @extend_schema(
        parameters=[
            OpenApiParameter("customer", OpenApiTypes.INT),
            OpenApiParameter("days", OpenApiTypes.INT, enum=list(availability.PERIODS_DAYS)),
            OpenApiParameter("kind", OpenApiTypes.STR, enum=["device", "interface", "site"]),
            OpenApiParameter("device", OpenApiTypes.INT),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> Response:
        query = _query(AvailabilityQuery, request)
        customer = resolve_customer(request.user, query.get("customer"))
        devices = Device.objects.restrict(request.user, "view").for_customer(customer.pk)
        if "device" in query:
            devices = devices.filter(pk=query["device"])
        names = dict(devices.values_list("pk", "hostname"))
        end = timezone.now()
        start = end - timedelta(days=query["days"])
        return Response(
            {
                "customer": customer.pk,
                "days": query["days"],
                "kind": query["kind"],
                "from": start,
                "to": end,
                "results": _availability_rows(query["kind"], customer.pk, names, start, end),
            }
        )


def _availability_rows(
    kind: str, customer_id: int, names: dict[int, str], start: datetime, end: datetime
) -> list[dict[str, Any]]:
    ids = list(names)
    if kind == "site":
        sites = availability.by_site(customer_id, ids, start, end)
        return [
            {"site": site, "availability_pct": a.pct, "up_s": a.up_s, "down_s": a.down_s}
            for site, a in sorted(sites.items())
        ]
    found = availability.availability(customer_id, ids, start, end, interfaces=kind == "interface")
    return [
        {
            "device": device_id,
            "hostname": names[device_id],
            "if_index": if_index if kind == "interface" else None,
            "availability_pct": a.pct,
            "up_s": a.up_s,
            "down_s": a.down_s,
        }
        for (device_id, if_index), a in sorted(found.items())
    ]
