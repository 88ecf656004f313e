"""Configuration management API: snapshots (masked for non-admins), diffs, drift, backup state,
golden config templates with render preview, and template variables."""

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from webnet.api.base import ExportMixin, ScopedModelViewSet, ScopedSerializer
from webnet.api.fields import ScopedRelatedField
from webnet.api.permissions import CustomerScopedQuerysetMixin
from webnet.config_mgmt import drift, services, templates
from webnet.config_mgmt.diff import as_json
from webnet.config_mgmt.models import BackupState, ConfigSnapshot, ConfigTemplate, TemplateVariables
from webnet.config_mgmt.render import TemplateRenderError
from webnet.devices.models import Device, DeviceGroup

MAX_DAYS = 366


class ConfigSnapshotSerializer(serializers.ModelSerializer):
    hostname = serializers.CharField(source="device.hostname", read_only=True)

    class Meta:
        model = ConfigSnapshot
        fields = [
            "id",
            "customer",
            "device",
            "hostname",
            "job",
            "sha256",
            "size",
            "change_kind",
            "plan_id",
            "created_at",
            "last_verified_at",
        ]


class ConfigSnapshotDetailSerializer(ConfigSnapshotSerializer):
    text = serializers.SerializerMethodField()
    masked = serializers.SerializerMethodField()

    class Meta(ConfigSnapshotSerializer.Meta):
        fields = [*ConfigSnapshotSerializer.Meta.fields, "text", "masked"]

    def get_text(self, obj: ConfigSnapshot) -> str:
        return services.visible_text(self.context["request"].user, obj)

    def get_masked(self, obj: ConfigSnapshot) -> bool:
        return not services.may_see_secrets(self.context["request"].user, obj.customer_id)


def _int_param(request: Request, name: str, default: int | None = None) -> int:
    raw = request.query_params.get(name)
    if raw in (None, "") and default is not None:
        return default
    try:
        return int(raw)  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        raise serializers.ValidationError({name: ["A whole number is required."]}) from exc


class ConfigSnapshotViewSet(
    ExportMixin,
    CustomerScopedQuerysetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Distinct configurations per device; `text` is masked unless you are an admin."""

    queryset = ConfigSnapshot.objects.select_related("device")
    serializer_class = ConfigSnapshotSerializer
    filterset_fields = ["customer", "device", "change_kind", "job"]
    ordering_fields = ["created_at"]
    permission_actions = {"diff": "view", "changes": "view"}

    def get_serializer_class(self) -> Any:
        return (
            ConfigSnapshotDetailSerializer
            if self.action == "retrieve"
            else super().get_serializer_class()
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("a", OpenApiTypes.INT, required=True, description="older snapshot"),
            OpenApiParameter("b", OpenApiTypes.INT, required=True, description="newer snapshot"),
        ],
        responses=inline_serializer(
            "ConfigDiff",
            {
                "a": serializers.IntegerField(),
                "b": serializers.IntegerField(),
                "hunks": serializers.ListField(child=serializers.DictField()),
                "stats": serializers.DictField(),
            },
        ),
    )
    @action(detail=False, methods=["get"])
    def diff(self, request: Request) -> Response:
        """Section-aware diff between two snapshots of one device (404 if either is not yours)."""
        old = get_object_or_404(self.get_queryset(), pk=_int_param(request, "a"))
        new = get_object_or_404(self.get_queryset(), pk=_int_param(request, "b"))
        hunks = services.snapshot_diff(request.user, old, new)
        return Response({"a": old.pk, "b": new.pk, **as_json(hunks)})

    @extend_schema(
        parameters=[OpenApiParameter("days", OpenApiTypes.INT, description="default 7")],
        responses=ConfigSnapshotSerializer(many=True),
    )
    @action(detail=False, methods=["get"])
    def changes(self, request: Request) -> Response:
        """Drift: configurations that changed in the last `days` days, newest first."""
        days = _int_param(request, "days", 7)
        if not 1 <= days <= MAX_DAYS:
            raise serializers.ValidationError({"days": [f"Between 1 and {MAX_DAYS}."]})
        rows = drift.recent_changes(self.filter_queryset(self.get_queryset()), days)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(ConfigSnapshotSerializer(page, many=True).data)


class BackupStateSerializer(serializers.ModelSerializer):
    hostname = serializers.CharField(source="device.hostname", read_only=True)

    class Meta:
        model = BackupState
        fields = [
            "id",
            "customer",
            "device",
            "hostname",
            "latest",
            "last_attempt_at",
            "last_success_at",
            "last_error_at",
            "last_error_code",
            "last_error",
            "verified_unchanged_at",
        ]


class BackupStateViewSet(ExportMixin, CustomerScopedQuerysetMixin, viewsets.ReadOnlyModelViewSet):
    queryset = BackupState.objects.select_related("device")
    serializer_class = BackupStateSerializer
    filterset_fields = ["customer", "device", "last_error_code"]


class ConfigTemplateSerializer(ScopedSerializer):
    platforms = serializers.ListField(child=serializers.CharField(), required=False)
    variables = serializers.ListField(child=serializers.DictField(), required=False)

    class Meta:
        model = ConfigTemplate
        fields = [
            "id",
            "customer",
            "name",
            "description",
            "platforms",
            "body",
            "variables",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]


class RenderRequestSerializer(serializers.Serializer):
    device = ScopedRelatedField(Device)
    variables = serializers.DictField(required=False, default=dict)


class ConfigTemplateViewSet(ScopedModelViewSet):
    queryset = ConfigTemplate.objects.all()
    serializer_class = ConfigTemplateSerializer
    filterset_fields = ["customer", "name"]
    search_fields = ["name", "description"]
    ordering_fields = ["name", "updated_at"]
    permission_actions = {"render": "render"}
    create_with_model = False
    create_service = staticmethod(services.create_template)
    update_service = staticmethod(services.update_template)
    delete_service = staticmethod(services.delete_template)

    @extend_schema(
        request=RenderRequestSerializer,
        responses=inline_serializer(
            "TemplateRender", {"output": serializers.CharField(), "errors": serializers.ListField()}
        ),
    )
    @action(detail=True, methods=["post"])
    def render(self, request: Request, pk: str | None = None) -> Response:
        """Preview the template for one device; a template error is a 400 with message and line."""
        template = self.get_object()
        form = RenderRequestSerializer(data=request.data, context=self.get_serializer_context())
        form.is_valid(raise_exception=True)
        device = form.validated_data["device"]
        if device.customer_id != template.customer_id:
            raise serializers.ValidationError({"device": ["Not found."]})
        try:
            output = templates.render(template, device, form.validated_data["variables"])
        except TemplateRenderError as exc:
            raise serializers.ValidationError({"template": [exc.as_dict()]}) from exc
        sources = templates.variable_sources(template, device, form.validated_data["variables"])
        return Response({"device": device.pk, "output": output, "sources": sources})


class TemplateVariablesSerializer(ScopedSerializer):
    device = ScopedRelatedField(Device, required=False, allow_null=True)
    group = ScopedRelatedField(DeviceGroup, required=False, allow_null=True)
    values = serializers.DictField()

    class Meta:
        model = TemplateVariables
        fields = ["id", "customer", "device", "group", "values", "updated_at"]
        read_only_fields = ["updated_at"]


class TemplateVariablesViewSet(ScopedModelViewSet):
    queryset = TemplateVariables.objects.select_related("device", "group").order_by("pk")
    serializer_class = TemplateVariablesSerializer
    filterset_fields = ["customer", "device", "group"]
    create_with_model = False
    create_service = staticmethod(services.set_variables)
    update_service = staticmethod(services.update_variables)
