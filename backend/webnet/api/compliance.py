"""Compliance: policies (JSON or YAML, fixtures checked on save), waivers, runs, results,
the customer summary and the remediation preview."""

from typing import Any, cast

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.http import content_disposition_header
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from webnet.api.base import ExportMixin, ScopedModelViewSet, ScopedSerializer
from webnet.api.fields import CustomerField, ScopedRelatedField, resolve_customer
from webnet.api.filters import FilterSet
from webnet.api.permissions import CustomerScopedQuerysetMixin
from webnet.compliance import policy_yaml, reports, services
from webnet.compliance.evaluator import run_fixtures
from webnet.compliance.models import (
    CompliancePolicy,
    ComplianceResult,
    ComplianceRule,
    ComplianceRun,
    ComplianceWaiver,
)
from webnet.compliance.policy_yaml import PolicyYAMLError
from webnet.compliance.redact import Redactor
from webnet.compliance.remediation import remediation_lines
from webnet.core import access
from webnet.core.numbers import int_param
from webnet.customers.models import Customer
from webnet.devices.models import Device

POLICY_FIELDS = ("name", "description", "enabled", "platforms", "tags", "groups", "severity")


def _yaml_errors(exc: PolicyYAMLError) -> serializers.ValidationError:
    """Group path-qualified messages under their top-level key (`rules[2].kind: …` → rules)."""
    grouped: dict[str, list[str]] = {}
    for message in exc.errors:
        key = message.split(":", 1)[0].split("[", 1)[0].split(".", 1)[0]
        grouped.setdefault(key if key in policy_yaml.POLICY_KEYS else "policy", []).append(message)
    return serializers.ValidationError(grouped)


class CompliancePolicySerializer(ScopedSerializer):
    """A whole policy: its fields plus `rules` and `fixtures` in the YAML form's shape."""

    tags = serializers.ListField(child=serializers.CharField(), required=False)
    groups = serializers.ListField(child=serializers.CharField(), required=False)
    rules = serializers.ListField(child=serializers.DictField(), required=False)
    fixtures = serializers.ListField(child=serializers.DictField(), required=False)

    class Meta:
        model = CompliancePolicy
        fields = ["id", "customer", *POLICY_FIELDS, "rules", "fixtures", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]

    def to_representation(self, instance: CompliancePolicy) -> dict[str, Any]:
        data = policy_yaml.to_dict(services.policy_data(instance))
        rule_ids = {rule.name: rule.pk for rule in instance.rules.all()}
        for rule in data["rules"]:
            rule["id"] = rule_ids.get(rule["name"])
        return {
            "id": instance.pk,
            "customer": instance.customer_id,
            **data,
            "created_at": serializers.DateTimeField().to_representation(instance.created_at),
            "updated_at": serializers.DateTimeField().to_representation(instance.updated_at),
        }

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        extra: dict[str, Any] = {
            key: attrs.pop(key) for key in ("tags", "groups", "rules", "fixtures") if key in attrs
        }
        attrs = super().validate(attrs)
        merged = policy_yaml.to_dict(services.policy_data(self.instance)) if self.instance else {}
        merged.update({k: v for k, v in attrs.items() if k in POLICY_FIELDS})
        merged.update(extra)
        for rule in merged.get("rules", []):
            if isinstance(rule, dict):
                rule.pop("id", None)
        try:
            attrs["data"] = policy_yaml.from_dict(merged)
        except PolicyYAMLError as exc:
            raise _yaml_errors(exc) from exc
        return attrs


class YAMLImportSerializer(serializers.Serializer):
    customer = CustomerField(required=False)
    yaml = serializers.CharField(trim_whitespace=False)


class CompliancePolicyViewSet(ScopedModelViewSet):
    """Policies with their rules and fixtures; every save first runs the policy's fixtures."""

    queryset = CompliancePolicy.objects.prefetch_related("rules", "fixtures", "tags", "groups")
    serializer_class = CompliancePolicySerializer
    filterset_fields = ["customer", "enabled", "severity"]
    search_fields = ["name", "description"]
    ordering_fields = ["name", "created_at", "updated_at"]
    permission_actions = {"import_yaml": "add", "yaml": "view", "test": "view"}
    delete_service = staticmethod(services.delete_policy)

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        data = serializer.validated_data
        serializer.instance = services.save_policy(
            self.request.user, data["customer"], data["data"]
        )

    def perform_update(self, serializer: serializers.BaseSerializer) -> None:
        policy = serializer.instance
        assert policy is not None
        serializer.instance = services.save_policy(
            self.request.user, policy.customer, serializer.validated_data["data"], policy
        )

    @extend_schema(request=YAMLImportSerializer, responses={201: CompliancePolicySerializer})
    @action(detail=False, methods=["post"], url_path="import-yaml")
    def import_yaml(self, request: Request) -> Response:
        """Create a policy from YAML, or replace the customer's policy of the same name."""
        form = YAMLImportSerializer(data=request.data, context=self.get_serializer_context())
        form.is_valid(raise_exception=True)
        customer = resolve_customer(request.user, form.validated_data.get("customer"))
        try:
            data = policy_yaml.load(form.validated_data["yaml"])
        except PolicyYAMLError as exc:
            raise serializers.ValidationError({"yaml": exc.errors}) from exc
        existing = self.get_queryset().for_customer(customer.pk).filter(name=data.name).first()
        needed = "change" if existing else "add"
        if not access.can(request.user, "compliancepolicy", needed, customer.pk):
            raise PermissionDenied("Your role in this customer may not write policies.")
        policy = services.save_policy(request.user, customer, data, existing)
        body = CompliancePolicySerializer(policy, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_200_OK if existing else status.HTTP_201_CREATED)

    @extend_schema(responses={(200, "application/yaml"): OpenApiTypes.STR})
    @action(detail=True, methods=["get"])
    def yaml(self, request: Request, pk: str | None = None) -> HttpResponse:
        policy = self.get_object()
        response = HttpResponse(
            policy_yaml.dump(services.policy_data(policy)), content_type="application/yaml"
        )
        disposition = content_disposition_header(False, f"{policy.name}.yaml")
        response["Content-Disposition"] = disposition or "inline"  # None only without a name
        return response

    @extend_schema(
        request=None,
        responses=inline_serializer(
            "PolicyTest",
            {
                "ok": serializers.BooleanField(),
                "disagreements": serializers.ListField(child=serializers.DictField()),
            },
        ),
    )
    @action(detail=True, methods=["post"])
    def test(self, request: Request, pk: str | None = None) -> Response:
        """Run the stored policy's fixtures (nothing is written)."""
        data = services.policy_data(self.get_object())
        found = run_fixtures(data.rules, data.fixtures)
        return Response({"ok": not found, "fixtures": len(data.fixtures), "disagreements": found})


class ComplianceWaiverSerializer(ScopedSerializer):
    device = ScopedRelatedField(Device)
    rule = ScopedRelatedField(ComplianceRule)
    created_by = serializers.CharField(source="created_by.username", read_only=True, default=None)

    class Meta:
        model = ComplianceWaiver
        fields = [
            "id",
            "customer",
            "device",
            "rule",
            "reason",
            "expires_at",
            "created_by",
            "created_at",
        ]
        read_only_fields = ["created_by", "created_at"]


class ComplianceWaiverViewSet(ScopedModelViewSet):
    queryset = ComplianceWaiver.objects.select_related("created_by")
    serializer_class = ComplianceWaiverSerializer
    filterset_fields = ["customer", "device", "rule"]
    search_fields = ["reason"]
    ordering_fields = ["created_at", "expires_at"]
    create_with_model = False
    create_service = staticmethod(services.create_waiver)
    update_service = staticmethod(services.update_waiver)


class ComplianceRunSerializer(serializers.ModelSerializer):
    class Meta:
        model = ComplianceRun
        fields = [
            "id",
            "customer",
            "job",
            "started_at",
            "finished_at",
            "score",
            "weighted_score",
            "device_scores",
        ]
        read_only_fields = fields


class ComplianceRunViewSet(
    ExportMixin,
    CustomerScopedQuerysetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    queryset = ComplianceRun.objects.all()
    serializer_class = ComplianceRunSerializer
    filterset_fields = ["customer", "job"]
    ordering_fields = ["started_at", "score"]


class ComplianceResultSerializer(serializers.ModelSerializer):
    """Quoted configuration (found lines, captured values) is masked for non-admins."""

    hostname = serializers.CharField(source="device.hostname", read_only=True)

    def to_representation(self, instance: ComplianceResult) -> dict[str, Any]:
        data = super().to_representation(instance)
        context = cast(dict[str, Any], self.context)  # shared by the rows of one response
        redactor = context.setdefault("redactor", Redactor(context["request"].user))
        data["message"], data["details"] = redactor.result(
            instance.customer_id, instance.message, instance.details
        )
        return data

    class Meta:
        model = ComplianceResult
        fields = [
            "id",
            "customer",
            "run",
            "device",
            "hostname",
            "policy",
            "rule",
            "rule_name",
            "severity",
            "status",
            "message",
            "details",
            "created_at",
        ]
        read_only_fields = fields


class ComplianceResultFilter(FilterSet):
    class Meta:
        model = ComplianceResult
        fields = ["customer", "run", "device", "rule", "policy", "status", "severity"]


class ComplianceResultViewSet(
    ExportMixin,
    CustomerScopedQuerysetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    queryset = ComplianceResult.objects.select_related("device")
    serializer_class = ComplianceResultSerializer
    filterset_class = ComplianceResultFilter
    search_fields = ["rule_name", "message"]
    ordering_fields = ["rule_name", "status", "severity", "created_at"]


def _customer(request: Request) -> Customer:
    visible = Customer.objects.restrict(request.user, "view")
    pk = int_param(request.query_params, "customer")
    if pk is not None:
        return get_object_or_404(visible, pk=pk)
    return resolve_customer(request.user, None)


class ComplianceSummaryView(APIView):
    """A customer's latest score, its trend over runs, and what fails in the latest run."""

    access_resource = "compliancerun"

    @extend_schema(
        parameters=[OpenApiParameter("customer", OpenApiTypes.INT)],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request: Request) -> Response:
        customer = _customer(request)
        runs = ComplianceRun.objects.restrict(request.user, "view").for_customer(customer.pk)
        results = ComplianceResult.objects.restrict(request.user, "view").for_customer(customer.pk)
        return Response({"customer": customer.pk, **reports.summary(runs, results)})


class RemediationView(APIView):
    """Fix lines for a device's failing rules in a run (its latest run by default)."""

    access_resource = "complianceresult"

    @extend_schema(
        parameters=[
            OpenApiParameter("device", OpenApiTypes.INT, required=True),
            OpenApiParameter("run", OpenApiTypes.INT),
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request: Request) -> Response:
        ids = {name: int_param(request.query_params, name) for name in ("device", "run")}
        if ids["device"] is None:
            raise serializers.ValidationError({"device": ["This field is required."]})
        device = get_object_or_404(Device.objects.restrict(request.user, "view"), pk=ids["device"])
        results = ComplianceResult.objects.restrict(request.user, "view").filter(device=device)
        run_id = (
            ids["run"]
            or results.order_by("-run__started_at", "-run_id")
            .values_list("run_id", flat=True)
            .first()
        )
        if run_id is None or not results.filter(run_id=run_id).exists():
            raise Http404("No compliance results for this device in that run.")
        failing = results.filter(run_id=run_id, status="fail").select_related("rule")
        try:
            lines = remediation_lines(device, failing)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.message_dict) from exc
        return Response(
            {
                "device": device.pk,
                "hostname": device.hostname,
                "platform": device.platform,
                "run": run_id,
                "rules": sorted({r.rule_name for r in failing}),
                "lines": Redactor(request.user).lines(device.customer_id, lines),
            }
        )
