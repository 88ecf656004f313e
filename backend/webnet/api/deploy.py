"""Change plans: preview (lines, a golden template, or a rollback), submit for approval,
approve or reject (by the hash shown), confirm by hash, commit or book into a slot (and cancel
the booking); the approval policy."""

from typing import Any

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from webnet.api.base import ExportMixin, ScopedModelViewSet, ScopedSerializer
from webnet.api.fields import CustomerField, ScopedRelatedField, resolve_customer
from webnet.api.parsers import body_object
from webnet.api.permissions import CustomerScopedQuerysetMixin
from webnet.api.redaction import redactor
from webnet.config_mgmt import booking, deploy, review
from webnet.config_mgmt.approvals import ApprovalPolicy, PlanApproval
from webnet.config_mgmt.models import ConfigSnapshot, ConfigTemplate
from webnet.config_mgmt.plans import ChangePlan, PlanDevice
from webnet.devices.models import Device, Tag


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


class PlanApprovalSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True, default=None)

    class Meta:
        model = PlanApproval
        fields = [
            "user",
            "username",
            "decision",
            "content_hash",
            "comment",
            "created_at",
            "voided_at",
            "void_reason",
        ]
        read_only_fields = fields


class ChangePlanSerializer(serializers.ModelSerializer):
    devices = serializers.SerializerMethodField()
    approvals = PlanApprovalSerializer(many=True, read_only=True)
    approvals_needed = serializers.SerializerMethodField()
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
            "approvals_needed",
            "submitted_hash",
            "submitted_by",
            "submitted_at",
            "approvals",
            "scheduled_start",
            "scheduled_end",
            "scheduled_by",
            "schedule_reason",
            "confirmed_hash",
            "confirmed_by",
            "confirmed_at",
            "commit_job",
            "commit_status",
            "devices",
        ]
        read_only_fields = fields

    def get_devices(self, plan: ChangePlan) -> list[dict[str, Any]]:
        rows: serializers.BaseSerializer = PlanDeviceSerializer(  # many=True: a ListSerializer
            deploy.plan_rows(plan), many=True, context=self.context
        )
        return rows.data

    def get_approvals_needed(self, plan: ChangePlan) -> int:
        """Approvals of one version the customer's policy asks of this plan (0: none)."""
        return review.approvals_needed(plan)

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


class DecisionSerializer(serializers.Serializer):
    content_hash = serializers.CharField(help_text="the hash of the version you were shown")
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
    override_reason = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=500
    )


class CommitSerializer(serializers.Serializer):
    override_reason = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=500
    )


class BookingSerializer(serializers.Serializer):
    starts = serializers.DateTimeField(help_text="the slot's start (ISO 8601 with its offset)")
    ends = serializers.DateTimeField(help_text="the slot's end; the plan never starts after it")


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

    queryset = ChangePlan.objects.select_related("preview_job", "commit_job").prefetch_related(
        "approvals__user"
    )
    serializer_class = ChangePlanSerializer
    filterset_fields = ["customer", "status", "source"]
    ordering_fields = ["created_at"]
    permission_actions = {
        "confirm": "confirm",
        "commit": "commit",
        "schedule": "commit",
        "cancel_schedule": "commit",
        "rollback": "add",
        "submit": "submit",
        "approve": "approve",
        "reject": "reject",
    }

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
        shown = str(body_object(request).get("content_hash", ""))
        plan = deploy.confirm_plan(request.user, self.get_object(), shown)
        return Response(self.shown(plan))

    @extend_schema(request=CommitSerializer, responses={202: ChangePlanSerializer})
    @action(detail=True, methods=["post"])
    def commit(self, request: Request, pk: str | None = None) -> Response:
        """Refused until approvals are met; an admin may override a gate with a reason."""
        form = CommitSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        plan = deploy.commit_plan(
            request.user, self.get_object(), override_reason=form.validated_data["override_reason"]
        )
        return Response(self.shown(plan), status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=BookingSerializer, responses=ChangePlanSerializer)
    @action(detail=True, methods=["post"])
    def schedule(self, request: Request, pk: str | None = None) -> Response:
        """Book a confirmed, approved plan into a slot: the scheduler starts it at its start
        (re-checking approvals, the hash and the gates), never after its end."""
        form = BookingSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        plan = booking.schedule_plan(
            request.user, self.get_object(), starts=data["starts"], ends=data["ends"]
        )
        return Response(self.shown(plan))

    @extend_schema(request=None, responses=ChangePlanSerializer)
    @action(detail=True, methods=["post"], url_path="cancel-schedule")
    def cancel_schedule(self, request: Request, pk: str | None = None) -> Response:
        """Take a booked plan off its slot; it is confirmed again."""
        plan = booking.cancel_booking(request.user, self.get_object())
        return Response(self.shown(plan))

    @extend_schema(
        request=inline_serializer("SubmitPlan", {"content_hash": serializers.CharField()}),
        responses=ChangePlanSerializer,
    )
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        """Ask for approval of the version whose hash you were shown."""
        shown = str(body_object(request).get("content_hash", ""))
        plan = review.submit_plan(request.user, self.get_object(), shown)
        return Response(self.shown(plan))

    @extend_schema(request=DecisionSerializer, responses=ChangePlanSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        """Approve the version (and predicted diff) you were shown; never your own change."""
        form = DecisionSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        plan = review.approve_plan(
            request.user,
            self.get_object(),
            data["content_hash"],
            comment=data["comment"],
            override_reason=data["override_reason"],
        )
        return Response(self.shown(plan))

    @extend_schema(request=DecisionSerializer, responses=ChangePlanSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str | None = None) -> Response:
        """Turn the change down (a comment is required); it goes back to draft."""
        form = DecisionSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        plan = review.reject_plan(
            request.user, self.get_object(), data["content_hash"], comment=data["comment"]
        )
        return Response(self.shown(plan))

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


class ApprovalPolicySerializer(ScopedSerializer):
    risky_tag = ScopedRelatedField(Tag, required=False, allow_null=True)

    class Meta:
        model = ApprovalPolicy
        fields = [
            "id",
            "customer",
            "required_approvers",
            "approver_role",
            "min_devices",
            "risky_tag",
            "updated_at",
        ]
        read_only_fields = ["updated_at"]


class ApprovalPolicyViewSet(ScopedModelViewSet):
    """One per customer: how many approvers of which role its change plans need (admins set it)."""

    queryset = ApprovalPolicy.objects.select_related("risky_tag").order_by("pk")
    serializer_class = ApprovalPolicySerializer
    filterset_fields = ["customer"]
    ordering_fields = ["updated_at"]
