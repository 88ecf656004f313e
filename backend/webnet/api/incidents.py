"""Incidents: list/detail, open by hand, and the actions (acknowledge, status, assign, note,
resolve, close, reopen, link, priority) — each a call of incidents/services.py; the log, the SLA
panel (computed from the log on read), the escalation state (held steps flagged) and the report
(MTTA/MTTR, SLA attainment; CSV)."""

from typing import Any

from django.contrib.auth import get_user_model
from django.http import StreamingHttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from webnet.alarms.models import Alarm
from webnet.api.base import ExportMixin, ScopedModelViewSet, ScopedSerializer
from webnet.api.fields import ScopedRelatedField, resolve_customer
from webnet.api.permissions import CustomerScopedQuerysetMixin
from webnet.api.subscribers import AffectedFormat, affected_response
from webnet.config_mgmt.plans import ChangePlan
from webnet.devices.models import Device, DeviceGroup
from webnet.incidents import affected as incident_affected
from webnet.incidents import config, reports, services, sla
from webnet.incidents.models import (
    EscalationChain,
    EscalationRunStep,
    Incident,
    IncidentEvent,
    IncidentRule,
    Priority,
    SlaPolicy,
    Status,
    Team,
)
from webnet.jobs.models import Job
from webnet.locations.models import Location


class IncidentSerializer(serializers.ModelSerializer):
    assignee_name = serializers.CharField(
        source="assignee.username", read_only=True, default=None, allow_null=True
    )
    team_name = serializers.CharField(
        source="team.name", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = Incident
        fields = [
            "id",
            "customer",
            "number",
            "title",
            "description",
            "priority",
            "status",
            "assignee",
            "assignee_name",
            "team",
            "team_name",
            "watchers",
            "rule",
            "sla_policy",
            "escalation_chain",
            "site",
            "location",
            "alarms",
            "devices",
            "locations",
            "jobs",
            "change_plans",
            "opened_at",
            "acknowledged_at",
            "first_response_at",
            "resolved_at",
            "closed_at",
            "reopen_count",
            "updated_at",
        ]
        read_only_fields = fields


class OpenIncidentSerializer(ScopedSerializer):
    """What a person gives to open an incident by hand."""

    team = ScopedRelatedField(Team, required=False, allow_null=True)
    sla_policy = ScopedRelatedField(SlaPolicy, required=False, allow_null=True)
    escalation_chain = ScopedRelatedField(EscalationChain, required=False, allow_null=True)
    devices = ScopedRelatedField(Device, many=True, required=False)
    locations = ScopedRelatedField(Location, many=True, required=False)
    alarms = ScopedRelatedField(Alarm, many=True, required=False)

    class Meta:
        model = Incident
        fields = [
            "customer",
            "title",
            "description",
            "priority",
            "team",
            "sla_policy",
            "escalation_chain",
            "devices",
            "locations",
            "alarms",
        ]


class IncidentEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", read_only=True, default=None)

    class Meta:
        model = IncidentEvent
        fields = ["seq", "at", "kind", "value", "data", "actor"]
        read_only_fields = fields


class NoteForm(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=4000, default="")


class StatusForm(NoteForm):
    status = serializers.ChoiceField(choices=Status.choices)


class PriorityForm(serializers.Serializer):
    priority = serializers.ChoiceField(choices=Priority.choices)


class AssignForm(serializers.Serializer):
    assignee = serializers.IntegerField(allow_null=True, min_value=1, max_value=2**31 - 1)


class CommentForm(serializers.Serializer):
    text = serializers.CharField(max_length=20000)
    public = serializers.BooleanField(default=False)


class LinkForm(serializers.Serializer):
    devices = ScopedRelatedField(Device, many=True, required=False)
    locations = ScopedRelatedField(Location, many=True, required=False)
    alarms = ScopedRelatedField(Alarm, many=True, required=False)
    jobs = ScopedRelatedField(Job, many=True, required=False)
    change_plans = ScopedRelatedField(ChangePlan, many=True, required=False)


def clock_rows(incident: Incident) -> list[dict[str, Any]]:
    """The SLA panel: each clock computed from the log now."""
    return [
        {
            "name": name,
            "state": clock.state,
            "elapsed_s": round(clock.elapsed_s),
            "target_s": clock.target_s,
            "remaining_s": round(clock.remaining_s),
            "running": clock.running,
            "due_at": clock.due_at,
            "breached_at": clock.breached_at,
            "stopped_at": clock.stopped_at,
        }
        for name, clock in sla.clocks(incident, timezone.now()).items()
    ]


def escalation_rows(incident: Incident) -> list[dict[str, Any]]:
    steps = EscalationRunStep.objects.filter(run__incident=incident).select_related("run", "step")
    return [
        {
            "run": row.run.generation,
            "position": row.position,
            "target": row.step.target_kind if row.step else None,
            "due_at": row.due_at,
            "status": row.status,
            "held": row.status == "held",
            "held_since": row.held_since,
            "held_reason": row.held_reason,
            "fired_at": row.fired_at,
        }
        for row in steps.order_by("-run__generation", "position")
    ]


class IncidentViewSet(
    ExportMixin,
    CustomerScopedQuerysetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Incidents: opened by rules or by hand, worked through the actions; never edited."""

    queryset = Incident.objects.select_related("assignee", "team").prefetch_related(
        "watchers", "alarms", "devices", "locations", "jobs", "change_plans"
    )
    serializer_class = IncidentSerializer
    filterset_fields = ["customer", "status", "priority", "team", "assignee"]
    search_fields = ["title", "description"]
    ordering_fields = ["opened_at", "priority", "number"]
    permission_actions = {
        "acknowledge": "acknowledge",
        "set_status": "change",
        "priority": "change",
        "assign": "change",
        "note": "change",
        "resolve": "change",
        "close": "change",
        "reopen": "change",
        "link": "change",
        "events": "view",
        "sla": "view",
        "escalation": "view",
        "report": "view",
        "affected": "view",
    }

    def get_serializer_class(self):  # type: ignore[no-untyped-def]
        return OpenIncidentSerializer if self.action == "create" else IncidentSerializer

    @extend_schema(request=OpenIncidentSerializer, responses={201: IncidentSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        form = OpenIncidentSerializer(data=request.data, context=self.get_serializer_context())
        form.is_valid(raise_exception=True)
        data = dict(form.validated_data)
        customer = resolve_customer(request.user, data.pop("customer"), "incident")
        incident = services.open_incident(request.user, customer=customer, **data)
        return Response(self._body(incident), status=status.HTTP_201_CREATED)

    def _body(self, incident: Incident) -> dict[str, Any]:
        fresh = self.get_queryset().get(pk=incident.pk)
        return IncidentSerializer(fresh, context=self.get_serializer_context()).data

    def _form(self, form_class: type[serializers.Serializer]) -> dict[str, Any]:
        form = form_class(data=self.request.data, context=self.get_serializer_context())
        form.is_valid(raise_exception=True)
        return dict(form.validated_data)

    @extend_schema(request=NoteForm, responses=IncidentSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request: Request, pk: str | None = None) -> Response:
        incident = self.get_object()
        services.acknowledge_incident(request.user, incident, **self._form(NoteForm))
        return Response(self._body(incident))

    @extend_schema(request=StatusForm, responses=IncidentSerializer)
    @action(detail=True, methods=["post"], url_path="status")
    def set_status(self, request: Request, pk: str | None = None) -> Response:
        incident = self.get_object()
        services.set_status(request.user, incident, **self._form(StatusForm))
        return Response(self._body(incident))

    @extend_schema(request=PriorityForm, responses=IncidentSerializer)
    @action(detail=True, methods=["post"])
    def priority(self, request: Request, pk: str | None = None) -> Response:
        incident = self.get_object()
        services.set_priority(request.user, incident, **self._form(PriorityForm))
        return Response(self._body(incident))

    @extend_schema(request=AssignForm, responses=IncidentSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk: str | None = None) -> Response:
        incident = self.get_object()
        user_id = self._form(AssignForm)["assignee"]
        assignee = None
        if user_id is not None:
            assignee = get_user_model().objects.filter(pk=user_id).first()
            if assignee is None:
                raise serializers.ValidationError({"assignee": ["No such user."]})
        services.assign_incident(request.user, incident, assignee=assignee)
        return Response(self._body(incident))

    @extend_schema(request=CommentForm, responses=IncidentEventSerializer)
    @action(detail=True, methods=["post"])
    def note(self, request: Request, pk: str | None = None) -> Response:
        incident = self.get_object()
        event = services.add_note(request.user, incident, **self._form(CommentForm))
        return Response(IncidentEventSerializer(event).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=NoteForm, responses=IncidentSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request: Request, pk: str | None = None) -> Response:
        incident = self.get_object()
        services.resolve_incident(request.user, incident, **self._form(NoteForm))
        return Response(self._body(incident))

    @extend_schema(request=NoteForm, responses=IncidentSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str | None = None) -> Response:
        incident = self.get_object()
        services.close_incident(request.user, incident, **self._form(NoteForm))
        return Response(self._body(incident))

    @extend_schema(request=NoteForm, responses=IncidentSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, pk: str | None = None) -> Response:
        incident = self.get_object()
        services.reopen_incident(request.user, incident, **self._form(NoteForm))
        return Response(self._body(incident))

    @extend_schema(request=LinkForm, responses=IncidentSerializer)
    @action(detail=True, methods=["post"])
    def link(self, request: Request, pk: str | None = None) -> Response:
        incident = self.get_object()
        services.link_objects(request.user, incident, **self._form(LinkForm))
        return Response(self._body(incident))

    @extend_schema(responses=IncidentEventSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def events(self, request: Request, pk: str | None = None) -> Response:
        """The log, oldest first; `?after_seq=N` for what came after N."""
        incident = self.get_object()
        after = request.query_params.get("after_seq", "0")
        if not after.isdigit():
            raise serializers.ValidationError({"after_seq": ["A whole number."]})
        rows = incident.events.filter(seq__gt=int(after)).select_related("actor")
        return Response(IncidentEventSerializer(rows, many=True).data)

    @extend_schema(responses=inline_serializer("SlaPanel", {"clocks": serializers.ListField()}))
    @action(detail=True, methods=["get"])
    def sla(self, request: Request, pk: str | None = None) -> Response:
        return Response({"clocks": clock_rows(self.get_object())})

    @extend_schema(responses=inline_serializer("Escalation", {"steps": serializers.ListField()}))
    @action(detail=True, methods=["get"])
    def escalation(self, request: Request, pk: str | None = None) -> Response:
        """Run steps with their due times; `held` marks a step waiting for someone on call."""
        return Response({"steps": escalation_rows(self.get_object())})

    @extend_schema(
        parameters=[OpenApiParameter("file_format", OpenApiTypes.STR, enum=["json", "csv"])],
        responses=inline_serializer("IncidentReport", {"rows": serializers.ListField()}),
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def report(self, request: Request) -> Any:
        """MTTA/MTTR and SLA attainment per customer, team, priority and month of the list's
        filtered incidents; `?file_format=csv` downloads it."""
        rows = reports.report(self.filter_queryset(self.get_queryset()))
        file_format = request.query_params.get("file_format", "json")
        if file_format not in ("csv", "json"):
            raise serializers.ValidationError({"file_format": ["Choose csv or json."]})
        if file_format == "json":
            return Response({"rows": rows})
        response = StreamingHttpResponse(self._csv(iter(rows)), content_type="text/csv")
        response["Content-Disposition"] = 'attachment; filename="incident-report.csv"'
        return response

    @extend_schema(
        parameters=[AffectedFormat],
        responses={200: {"type": "array", "items": {"type": "object"}}},
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def affected(self, request: Request, pk: str | None = None) -> Any:
        """Customers affected: the live services behind the incident (CSV: the notice list)."""
        incident = self.get_object()
        services = incident_affected.by_incident(request.user, incident)
        return affected_response(self, request, services, f"incident-{incident.number}-affected")


class IncidentRuleSerializer(ScopedSerializer):
    device_group = ScopedRelatedField(DeviceGroup, required=False, allow_null=True)
    team = ScopedRelatedField(Team, required=False, allow_null=True)
    escalation_chain = ScopedRelatedField(EscalationChain, required=False, allow_null=True)
    sla_policy = ScopedRelatedField(SlaPolicy, required=False, allow_null=True)

    class Meta:
        model = IncidentRule
        fields = [
            "id",
            "customer",
            "name",
            "enabled",
            "order",
            "min_severity",
            "within",
            "device_group",
            "priority",
            "team",
            "escalation_chain",
            "sla_policy",
            "auto_resolve",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        if attrs.get("within"):
            # ScopedSerializer.validate set the customer on create and dropped it on update
            customer = attrs["customer"] if self.instance is None else self.instance.customer
            user = self.context["request"].user
            attrs["within"] = config.check_within(user, customer, attrs["within"])
        return attrs


class IncidentRuleViewSet(ScopedModelViewSet):
    """Which alarms open incidents (first match by `order`), with what priority, team, SLA
    policy and escalation chain."""

    queryset = IncidentRule.objects.select_related(
        "device_group", "team", "escalation_chain", "sla_policy"
    )
    serializer_class = IncidentRuleSerializer
    filterset_fields = ["customer", "enabled", "priority", "team"]
    search_fields = ["name"]
    ordering_fields = ["order", "name"]
