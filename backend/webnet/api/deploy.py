"""Change plans: preview (lines, a golden template, or a rollback), confirm by hash, commit."""

from typing import Any

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from webnet.api.base import ExportMixin
from webnet.api.fields import CustomerField, ScopedRelatedField, resolve_customer
from webnet.api.permissions import CustomerScopedQuerysetMixin
from webnet.api.redaction import redactor
from webnet.config_mgmt import deploy
from webnet.config_mgmt.models import ConfigSnapshot, ConfigTemplate
from webnet.config_mgmt.plans import ChangePlan, PlanDevice
from webnet.devices.models import Device


class PlanDeviceSerializer(serializers.ModelSerializer):
    hostname = serializers.CharField(source="device.hostname", read_only=True)

    class Meta:
        model = PlanDevice
        fields = ["device", "hostname", "position", "status", "commands", "diff", "message"]

    def to_representation(self, instance: PlanDevice) -> dict[str, Any]:
        """Commands, diff and message quote configuration (rollbacks a whole one): masked."""
        data = super().to_representation(instance)
        shown = redactor(self.context).value(
            instance.customer_id,
            {key: data[key] for key in ("commands", "diff", "message")},
            instance.device.platform,
        )
        return {**data, **shown}


class ChangePlanSerializer(serializers.ModelSerializer):
    devices = serializers.SerializerMethodField()
    content_hash = serializers.SerializerMethodField()
    preview_status = serializers.CharField(source="preview_job.status", default=None)
    commit_status = serializers.CharField(source="commit_job.status", default=None)

    class Meta:
        model = ChangePlan
        fields = [
            "id",
            "customer",
            "name",
            "source",
            "status",
            "canary",
            "created_by",
            "created_at",
            "preview_job",
            "preview_status",
            "content_hash",
            "confirmed_hash",
            "confirmed_by",
            "confirmed_at",
            "commit_job",
            "commit_status",
            "devices",
        ]
        read_only_fields = fields

    def get_devices(self, plan: ChangePlan) -> list[dict[str, Any]]:
        return PlanDeviceSerializer(deploy.plan_rows(plan), many=True, context=self.context).data

    def get_content_hash(self, plan: ChangePlan) -> str:
        """What a confirmer approves: the hash of every device's commands and pre-state."""
        return deploy.current_hash(plan)


class PlanCreateSerializer(serializers.Serializer):
    customer = CustomerField(required=False)
    name = serializers.CharField(required=False, allow_blank=True, default="")
    targets = serializers.JSONField()
    lines = serializers.JSONField(required=False, help_text="Configuration lines (list or text)")
    template = ScopedRelatedField(ConfigTemplate, required=False)
    canary = serializers.IntegerField(required=False, default=0, min_value=0)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        customer = resolve_customer(self.context["request"].user, attrs.get("customer"))
        if ("lines" in attrs) == ("template" in attrs):
            raise serializers.ValidationError({"lines": ["Give either lines or a template."]})
        if "template" in attrs and attrs["template"].customer_id != customer.pk:
            raise serializers.ValidationError({"template": ["Belongs to another customer."]})
        attrs["customer"] = customer
        return attrs


class RollbackSerializer(serializers.Serializer):
    device = ScopedRelatedField(Device)
    snapshot = ScopedRelatedField(ConfigSnapshot)


class ChangePlanViewSet(
    ExportMixin,
    CustomerScopedQuerysetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Safe deploy: POST a plan (previewed on fresh configs), confirm its hash, commit it."""

    queryset = ChangePlan.objects.select_related("preview_job", "commit_job")
    serializer_class = ChangePlanSerializer
    filterset_fields = ["customer", "status", "source"]
    ordering_fields = ["created_at"]
    permission_actions = {"confirm": "confirm", "commit": "commit", "rollback": "add"}

    def get_serializer_class(self) -> Any:
        return PlanCreateSerializer if self.action == "create" else ChangePlanSerializer

    def shown(self, plan: ChangePlan) -> dict[str, Any]:
        return ChangePlanSerializer(plan, context=self.get_serializer_context()).data

    @extend_schema(request=PlanCreateSerializer, responses={202: ChangePlanSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        form = PlanCreateSerializer(data=request.data, context=self.get_serializer_context())
        form.is_valid(raise_exception=True)
        data = form.validated_data
        if "template" in data:
            plan = deploy.preview_template(
                request.user,
                data["customer"],
                data["targets"],
                data["template"],
                name=data["name"],
                canary=data["canary"],
            )
        else:
            plan = deploy.preview_change(
                request.user,
                data["customer"],
                data["targets"],
                lines=data["lines"],
                name=data["name"],
                canary=data["canary"],
            )
        return Response(self.shown(plan), status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        request=inline_serializer("ConfirmPlan", {"content_hash": serializers.CharField()}),
        responses=ChangePlanSerializer,
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: str | None = None) -> Response:
        shown = str(request.data.get("content_hash", ""))
        plan = deploy.confirm_plan(request.user, self.get_object(), shown)
        return Response(self.shown(plan))

    @extend_schema(request=None, responses={202: ChangePlanSerializer})
    @action(detail=True, methods=["post"])
    def commit(self, request: Request, pk: str | None = None) -> Response:
        plan = deploy.commit_plan(request.user, self.get_object())
        return Response(self.shown(plan), status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=RollbackSerializer, responses={202: ChangePlanSerializer})
    @action(detail=False, methods=["post"])
    def rollback(self, request: Request) -> Response:
        """Plan the return of a device to an earlier snapshot (then confirm and commit it)."""
        form = RollbackSerializer(data=request.data, context=self.get_serializer_context())
        form.is_valid(raise_exception=True)
        plan = deploy.rollback_to_snapshot(
            request.user, form.validated_data["device"], form.validated_data["snapshot"]
        )
        return Response(self.shown(plan), status=status.HTTP_202_ACCEPTED)
