"""Jobs (start any kind, list, logs by seq, results, cancel, re-run), kinds and schedules."""

from typing import Any

import django_filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from webnet.api.base import ExportMixin, ScopedModelViewSet, ScopedSerializer
from webnet.api.fields import CustomerField, resolve_customer
from webnet.api.filters import FilterSet
from webnet.api.parsers import body_object
from webnet.api.permissions import CustomerScopedQuerysetMixin
from webnet.api.redaction import redactor
from webnet.core.numbers import IdFilter, int_param
from webnet.jobs import registry
from webnet.jobs import services as job_services
from webnet.jobs.cron import validate_cron
from webnet.jobs.lifecycle import log_line
from webnet.jobs.models import Job, JobDeviceResult, JobLog, Schedule
from webnet.jobs.services import JobService
from webnet.jobs.targets import clean as clean_targets

LOG_PAGE = 1000


class JobSerializer(serializers.ModelSerializer):
    requested_by = serializers.CharField(
        source="requested_by.username", read_only=True, default=None
    )

    class Meta:
        model = Job
        fields = [
            "id",
            "customer",
            "kind",
            "status",
            "requested_by",
            "schedule",
            "rerun_of",
            "targets",
            "device_ids",
            "params",
            "summary",
            "total",
            "succeeded",
            "failed",
            "cancelled",
            "cancel_requested",
            "log_seq",
            "worker",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields

    def to_representation(self, instance: Job) -> dict[str, Any]:
        """Deploy parameters carry configuration lines: masked for those who may not see secrets."""
        data = super().to_representation(instance)
        data["params"] = redactor(self.context).value(instance.customer_id, data["params"])
        return data


class JobCreateSerializer(serializers.Serializer):
    customer = CustomerField(required=False)
    kind = serializers.CharField()
    targets = serializers.JSONField(
        help_text='e.g. {"devices": [1, 2]}, {"tags": ["core"]}, '
        '{"groups": [3]}, {"filter": {...}}, {"all": true}'
    )
    params = serializers.JSONField(required=False, default=dict)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs["customer"] = resolve_customer(self.context["request"].user, attrs.get("customer"))
        return attrs


class JobDeviceResultSerializer(serializers.ModelSerializer):
    class Meta:
        model = JobDeviceResult
        fields = [
            "id",
            "device",
            "hostname",
            "status",
            "error_code",
            "error_message",
            "output",
            "data",
            "started_at",
            "finished_at",
            "duration_ms",
        ]

    def to_representation(self, instance: JobDeviceResult) -> dict[str, Any]:
        """Output and data quote configurations (show running-config, diffs, commands)."""
        data = super().to_representation(instance)
        shown = redactor(self.context).value(
            instance.customer_id,
            {key: data[key] for key in ("output", "data", "error_message")},
            instance.device.platform if instance.device else "",
        )
        return {**data, **shown}


class JobFilter(FilterSet):
    since = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    device = IdFilter(method="filter_device")
    kind = django_filters.CharFilter(method="filter_kind")

    class Meta:
        model = Job
        fields = ["customer", "kind", "status", "requested_by", "schedule"]

    def filter_device(self, queryset: Any, name: str, value: int) -> Any:
        return queryset.filter(results__device_id=value).distinct()

    def filter_kind(self, queryset: Any, name: str, value: str) -> Any:
        """A kind by its name, or by the name it had before `<domain>.<verb>`."""
        return queryset.filter(kind=registry.RENAMED.get(value, value))


class JobViewSet(
    ExportMixin,
    CustomerScopedQuerysetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Start a job of any kind (202 with its id), follow it, cancel it, run it again."""

    queryset = Job.objects.select_related("requested_by")
    serializer_class = JobSerializer
    filterset_class = JobFilter
    search_fields = ["kind"]
    ordering_fields = ["created_at", "finished_at", "status"]
    permission_actions = {"logs": "view", "results": "view", "cancel": "cancel", "rerun": "add"}

    def get_serializer_class(self) -> Any:
        return JobCreateSerializer if self.action == "create" else JobSerializer

    @extend_schema(request=JobCreateSerializer, responses={202: JobSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        form = JobCreateSerializer(data=request.data, context=self.get_serializer_context())
        form.is_valid(raise_exception=True)
        data = form.validated_data
        job = JobService.create_job(
            request.user, data["customer"], data["kind"], data["targets"], data["params"]
        )
        return Response(
            JobSerializer(job, context=self.get_serializer_context()).data,
            status=status.HTTP_202_ACCEPTED,
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("after_seq", OpenApiTypes.INT),
            OpenApiParameter("limit", OpenApiTypes.INT),
            OpenApiParameter("device", OpenApiTypes.INT),
            OpenApiParameter("level", OpenApiTypes.STR),
        ],
        responses=inline_serializer(
            "JobLogPage",
            {
                "lines": serializers.ListField(child=serializers.DictField()),
                "last_seq": serializers.IntegerField(),
                "finished": serializers.BooleanField(),
            },
        ),
    )
    @action(detail=True, methods=["get"])
    def logs(self, request: Request, pk: str | None = None) -> Response:
        """Stored log lines with seq > after_seq (resume point), oldest first."""
        job = self.get_object()
        params = request.query_params
        after = int_param(params, "after_seq", default=0)
        limit = int_param(params, "limit", default=LOG_PAGE, minimum=1, maximum=LOG_PAGE)
        device = int_param(params, "device")
        lines = JobLog.objects.for_customer(job.customer_id).filter(job=job, seq__gt=after)
        if device is not None:
            lines = lines.filter(device_id=device)
        if request.query_params.get("level"):
            lines = lines.filter(level=request.query_params["level"])
        shown = redactor(self.get_serializer_context())
        page = [
            shown.value(job.customer_id, log_line(line))
            for line in lines.order_by("seq")[: max(limit, 1)]
        ]
        return Response(
            {
                "lines": page,
                "last_seq": page[-1]["seq"] if page else after,
                "finished": job.is_finished,
            }
        )

    @extend_schema(
        responses=JobDeviceResultSerializer(many=True),
        parameters=[OpenApiParameter("status", OpenApiTypes.STR)],
    )
    @action(detail=True, methods=["get"])
    def results(self, request: Request, pk: str | None = None) -> Response:
        job = self.get_object()
        rows = (
            JobDeviceResult.objects.for_customer(job.customer_id)
            .filter(job=job)
            .select_related("device")
        )
        if request.query_params.get("status"):
            rows = rows.filter(status=request.query_params["status"])
        page = self.paginate_queryset(rows.order_by("hostname"))
        context = self.get_serializer_context()
        return self.get_paginated_response(
            JobDeviceResultSerializer(page, many=True, context=context).data
        )

    @extend_schema(request=None, responses=JobSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        job = JobService.cancel(request.user, self.get_object())
        return Response(JobSerializer(job, context=self.get_serializer_context()).data)

    @extend_schema(
        request=inline_serializer(
            "Rerun", {"failed_only": serializers.BooleanField(default=False)}
        ),
        responses={202: JobSerializer},
    )
    @action(detail=True, methods=["post"])
    def rerun(self, request: Request, pk: str | None = None) -> Response:
        failed_only = serializers.BooleanField().to_internal_value(
            body_object(request).get("failed_only", False)
        )
        job = JobService.rerun(request.user, self.get_object(), failed_only=failed_only)
        return Response(
            JobSerializer(job, context=self.get_serializer_context()).data,
            status=status.HTTP_202_ACCEPTED,
        )


class KindsView(APIView):
    """The job kinds this installation can run."""

    access_resource = None

    @extend_schema(
        responses=inline_serializer(
            "JobKind",
            {
                "name": serializers.CharField(),
                "label": serializers.CharField(),
                "description": serializers.CharField(),
                "destructive": serializers.BooleanField(),
                "started_by": serializers.CharField(),
            },
            many=True,
        )
    )
    def get(self, request: Request) -> Response:
        return Response(
            [
                {
                    "name": k.name,
                    "label": k.label,
                    "description": k.description,
                    "destructive": k.destructive,
                    "started_by": k.started_by,
                }
                for k in registry.all_kinds()
            ]
        )


class ScheduleSerializer(ScopedSerializer):
    owner = serializers.CharField(source="owner.username", read_only=True)

    class Meta:
        model = Schedule
        fields = [
            "id",
            "customer",
            "name",
            "kind",
            "targets",
            "params",
            "cron",
            "enabled",
            "owner",
            "next_run_at",
            "last_run_at",
            "last_job",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "owner",
            "next_run_at",
            "last_run_at",
            "last_job",
            "created_at",
            "updated_at",
        ]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        merged: dict[str, Any] = {  # each field as it will be saved (payload, else the stored)
            name: attrs.get(name, getattr(self.instance, name, None))
            for name in ("kind", "targets", "params", "cron")
        }
        kind = registry.startable(merged["kind"])
        attrs["kind"] = kind.name
        attrs["targets"] = clean_targets(merged["targets"])
        attrs["params"] = job_services.clean_params(kind, merged["params"] or {})
        validate_cron(merged["cron"])
        return attrs


class ScheduleViewSet(ScopedModelViewSet):
    queryset = Schedule.objects.select_related("owner")
    serializer_class = ScheduleSerializer
    filterset_fields = ["customer", "kind", "enabled"]
    search_fields = ["name", "kind"]
    ordering_fields = ["name", "next_run_at", "last_run_at"]

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        serializer.instance = job_services.create_schedule(
            self.request.user, dict(serializer.validated_data)
        )

    def perform_update(self, serializer: serializers.BaseSerializer) -> None:
        schedule = serializer.instance
        assert schedule is not None  # an update's serializer holds the object
        serializer.instance = job_services.update_schedule(
            self.request.user, schedule, dict(serializer.validated_data)
        )
