"""Subscribers: plans, subscribers, services (transitions, customers affected), billing calls."""

from typing import Any

from django.http import StreamingHttpResponse
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from webnet.api.base import ExportMixin, ScopedModelViewSet, ScopedSerializer
from webnet.api.fields import CustomerField, ScopedRelatedField, resolve_customer
from webnet.api.filters import FilterSet
from webnet.api.permissions import CustomerScopedQuerysetMixin
from webnet.config_mgmt.models import ConfigTemplate
from webnet.devices.models import Device
from webnet.locations.filters import NodeField, WithinFilter
from webnet.locations.models import Location
from webnet.locations.within import NODE_FORMAT
from webnet.subscribers import affected as affected_service
from webnet.subscribers import billing, importer, provisioning, services, usage
from webnet.subscribers.models import ProvisioningPlan, ServiceInstance, ServicePlan, Subscriber
from webnet.subscribers.models.provisioning import Transition


class ServicePlanSerializer(ScopedSerializer):
    templates = ScopedRelatedField(ConfigTemplate, many=True, required=False)

    class Meta:
        model = ServicePlan
        fields = [
            "id",
            "customer",
            "name",
            "down_kbps",
            "up_kbps",
            "burst_kbps",
            "vlan",
            "ip_pool",
            "session_timeout",
            "price_label",
            "suspend_strategy",
            "throttle_kbps",
            "walled_garden",
            "templates",
            "external_id",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]


class SubscriberSerializer(ScopedSerializer):
    location = ScopedRelatedField(Location, required=False, allow_null=True)

    class Meta:
        model = Subscriber
        fields = [
            "id",
            "customer",
            "account_number",
            "external_id",
            "name",
            "email",
            "phone",
            "address",
            "location",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]


class ServiceInstanceSerializer(ScopedSerializer):
    subscriber = ScopedRelatedField(Subscriber)
    plan = ScopedRelatedField(ServicePlan)
    device = ScopedRelatedField(Device)
    password = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        style={"input_type": "password"},
    )

    class Meta:
        model = ServiceInstance
        fields = [
            "id",
            "customer",
            "subscriber",
            "plan",
            "device",
            "port",
            "onu_id",
            "vlan",
            "static_address",
            "ip_pool",
            "login",
            "password",
            "has_password",
            "status",
            "external_id",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["status", "created_at", "updated_at"]


class ProvisioningPlanSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProvisioningPlan
        fields = [
            "id",
            "customer",
            "service",
            "transition",
            "status_before",
            "status_after",
            "body",
            "content_hash",
            "created_at",
            "executed_at",
            "change_plan",
            "outcome",
        ]
        read_only_fields = fields


class TransitionSerializer(serializers.Serializer):
    transition = serializers.ChoiceField(choices=Transition.choices)
    plan = ScopedRelatedField(ServicePlan, required=False, allow_null=True)
    login = serializers.CharField(
        required=False, help_text="reprovision only: the service's new RADIUS login"
    )


class TransitionResultSerializer(serializers.Serializer):
    changed = serializers.BooleanField()
    provisioning_plan = ProvisioningPlanSerializer()


def _result(pplan: ProvisioningPlan, changed: bool) -> dict[str, Any]:
    return {"changed": changed, "provisioning_plan": ProvisioningPlanSerializer(pplan).data}


class ServicePlanViewSet(ScopedModelViewSet):
    queryset = ServicePlan.objects.prefetch_related("templates")
    serializer_class = ServicePlanSerializer
    filterset_fields = ["customer", "name", "suspend_strategy", "external_id"]
    search_fields = ["name", "price_label"]
    ordering_fields = ["name", "down_kbps", "created_at"]
    create_with_model = False
    create_service = staticmethod(services.create_plan)
    update_service = staticmethod(services.update_plan)


class SubscriberFilter(FilterSet):
    within = WithinFilter(label=f"Within a node ({NODE_FORMAT})")

    class Meta:
        model = Subscriber
        fields = ["customer", "account_number", "external_id", "location"]


class UsageQuery(serializers.Serializer):
    customer = CustomerField(required=False)
    since = serializers.DateTimeField()
    until = serializers.DateTimeField()
    file_format = serializers.ChoiceField(choices=["json", "csv"], default="json")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["until"] <= attrs["since"]:
            raise serializers.ValidationError({"until": ["Must be after since."]})
        return attrs


def _rows_response(view: Any, rows: list[dict[str, Any]], file_format: str, name: str) -> Any:
    if file_format == "csv":
        response = StreamingHttpResponse(view._csv(iter(rows)), content_type="text/csv")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    return Response(rows)


class AffectedFormat(serializers.Serializer):
    file_format = serializers.ChoiceField(choices=["json", "csv"], default="json")


def affected_response(view: Any, request: Request, services: Any, name: str) -> Any:
    """An incident's or a window's customers affected, as JSON rows or the notice CSV."""
    query = AffectedFormat(data=request.query_params)
    query.is_valid(raise_exception=True)
    rows = [affected_service.affected_row(service) for service in services]
    return _rows_response(view, rows, query.validated_data["file_format"], name)


class ImportRequestSerializer(serializers.Serializer):
    file = serializers.FileField()
    customer = CustomerField(required=False)
    dry_run = serializers.BooleanField(default=True)
    on_existing = serializers.ChoiceField(choices=importer.ON_EXISTING, default="error")


class SubscriberViewSet(ScopedModelViewSet):
    queryset = Subscriber.objects.select_related("location")
    serializer_class = SubscriberSerializer
    filterset_class = SubscriberFilter
    search_fields = ["account_number", "name", "email", "phone", "address"]
    ordering_fields = ["account_number", "name", "created_at"]
    create_with_model = False
    create_service = staticmethod(services.create_subscriber)
    update_service = staticmethod(services.update_subscriber)
    permission_actions = {"usage": "view", "import_csv": "import"}
    export_row = staticmethod(importer.export_row)  # the import's columns: a round trip

    @extend_schema(request=ImportRequestSerializer, responses={200: dict, 201: dict, 400: dict})
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        parser_classes=[MultiPartParser, FormParser],
    )
    def import_csv(self, request: Request) -> Response:
        """Import subscribers (and their services) from CSV; `dry_run` (default true) only
        reports per-row errors; `on_existing`: `error` (default) or `skip` a known account."""
        form = ImportRequestSerializer(data=request.data, context=self.get_serializer_context())
        form.is_valid(raise_exception=True)
        data = form.validated_data
        customer = resolve_customer(request.user, data.get("customer"), "subscriber", "import")
        content = data["file"].read()
        code: int
        if data["dry_run"]:
            report = importer.parse(request.user, content, customer, data["on_existing"])
            code = status.HTTP_200_OK if report.ok else status.HTTP_400_BAD_REQUEST
        else:
            report = importer.commit(request.user, content, customer, data["on_existing"])
            code = status.HTTP_201_CREATED if report.committed else status.HTTP_400_BAD_REQUEST
        return Response(report.as_dict(), status=code)

    @extend_schema(
        parameters=[UsageQuery], responses={200: {"type": "array", "items": {"type": "object"}}}
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def usage(self, request: Request) -> Response | StreamingHttpResponse:
        """Per-subscriber sessions, seconds and octets from accounting in [since, until)."""
        query = UsageQuery(data=request.query_params, context=self.get_serializer_context())
        query.is_valid(raise_exception=True)
        data = query.validated_data
        customer = resolve_customer(request.user, data.get("customer"))
        rows = usage.usage(request.user, customer.pk, data["since"], data["until"])
        return _rows_response(self, rows, data["file_format"], "usage")


class ServiceInstanceFilter(FilterSet):
    within = WithinFilter(label=f"Within a node ({NODE_FORMAT})")

    class Meta:
        model = ServiceInstance
        fields = ["customer", "subscriber", "plan", "device", "status", "login", "external_id"]


class AffectedQuery(serializers.Serializer):
    customer = CustomerField(required=False)
    device = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False)
    port = serializers.ListField(child=serializers.CharField(), required=False)
    within = serializers.CharField(required=False)
    file_format = serializers.ChoiceField(choices=["json", "csv"], default="json")

    def validate_port(self, value: list[str]) -> list[tuple[int, str]]:
        ports = []
        for item in value:
            device, _, name = item.partition(":")
            if not device.isdigit() or not name:
                raise serializers.ValidationError("Name a port as <device id>:<port or ONU id>.")
            ports.append((int(device), name))
        return ports

    def validate_within(self, value: str) -> Any:
        try:
            return NodeField().clean(value)
        except Exception as exc:
            raise serializers.ValidationError(NODE_FORMAT) from exc


class ServiceInstanceViewSet(ScopedModelViewSet):
    queryset = ServiceInstance.objects.select_related("subscriber", "plan", "device")
    serializer_class = ServiceInstanceSerializer
    filterset_class = ServiceInstanceFilter
    search_fields = ["login", "port", "onu_id", "subscriber__account_number", "subscriber__name"]
    ordering_fields = ["created_at", "status"]
    create_with_model = False
    create_service = staticmethod(services.create_service)
    update_service = staticmethod(services.update_service)
    permission_actions = {"transition": "provision", "advance": "provision", "affected": "view"}

    @extend_schema(request=TransitionSerializer, responses=TransitionResultSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request: Request, pk: str | None = None) -> Response:
        """Activate, suspend, restore, change plan, terminate or reprovision (rewrite the RADIUS
        rows, renaming the login if one is given); a re-run changes nothing."""
        service = self.get_object()
        form = TransitionSerializer(data=request.data, context=self.get_serializer_context())
        form.is_valid(raise_exception=True)
        pplan, changed = provisioning.transition(
            request.user,
            service,
            form.validated_data["transition"],
            plan=form.validated_data.get("plan"),
            login=form.validated_data.get("login"),
        )
        return Response(_result(pplan, changed))

    @extend_schema(request=None, responses=ProvisioningPlanSerializer)
    @action(detail=True, methods=["post"])
    def advance(self, request: Request, pk: str | None = None) -> Response:
        """Confirm and commit the device change of the service's last plan once previewed."""
        service = self.get_object()
        pplan = provisioning.last_executed(service)
        if pplan is None:
            raise serializers.ValidationError({"service": ["Nothing was provisioned yet."]})
        return Response(ProvisioningPlanSerializer(provisioning.advance(request.user, pplan)).data)

    @extend_schema(
        parameters=[AffectedQuery],
        responses={200: {"type": "array", "items": {"type": "object"}}},
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def affected(self, request: Request) -> Response | StreamingHttpResponse:
        """Live services behind `device`, `port` (<device id>:<name>) or `within` (a node)."""
        query = AffectedQuery(data=request.query_params, context=self.get_serializer_context())
        query.is_valid(raise_exception=True)
        data = query.validated_data
        customer = resolve_customer(request.user, data.get("customer"))
        rows = [
            affected_service.affected_row(service)
            for service in affected_service.affected(
                request.user,
                customer.pk,
                devices=data.get("device", []),
                ports=data.get("port", []),
                within=data.get("within"),
            )
        ]
        return _rows_response(self, rows, data["file_format"], "affected")


class ProvisioningPlanViewSet(
    ExportMixin,
    CustomerScopedQuerysetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """The immutable record of every transition: what it wrote, pushed and sent."""

    queryset = ProvisioningPlan.objects.all()
    serializer_class = ProvisioningPlanSerializer
    filterset_fields = ["customer", "service", "transition"]
    ordering_fields = ["created_at"]


class BillingRequestSerializer(serializers.Serializer):
    customer = CustomerField(required=False)
    action = serializers.ChoiceField(choices=billing.ACTIONS)  # BillingActionEnum
    service_external_id = serializers.CharField(required=False, allow_blank=True)
    account_number = serializers.CharField(required=False, allow_blank=True)
    subscriber_external_id = serializers.CharField(required=False, allow_blank=True)
    plan = serializers.CharField(required=False, allow_blank=True)


class BillingView(APIView):
    """POST by a billing system's API token: suspend, restore or change a service's plan."""

    access_resource = "serviceinstance"

    @extend_schema(request=BillingRequestSerializer, responses=TransitionResultSerializer)
    def post(self, request: Request) -> Response:
        form = BillingRequestSerializer(data=request.data, context={"request": request})
        form.is_valid(raise_exception=True)
        data = form.validated_data
        customer = resolve_customer(
            request.user, data.pop("customer", None), "serviceinstance", "provision"
        )
        pplan, changed = billing.billing_request(request.user, customer.pk, data)
        return Response(_result(pplan, changed))
