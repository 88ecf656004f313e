"""Alarms: events (read), alarms (acknowledge, clear, shelve, bulk acknowledge), rules (YAML,
tester), silences, webhook tokens (revocable) and the inbound webhook itself."""

from typing import Any

from django.conf import settings
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle
from rest_framework.views import APIView

from webnet.alarms import grouping, matchers, services, silences
from webnet.alarms.filters import AlarmFilterSet, EventFilterSet
from webnet.alarms.models import Alarm, AlarmRule, Event, InhibitRule, Silence, WebhookToken
from webnet.alarms.notify import notifiable
from webnet.alarms.rule_yaml import RuleYAMLError
from webnet.alarms.rules import RuleError, validate_spec
from webnet.alarms.webhooks import WebhookError
from webnet.api.base import ExportMixin, ScopedModelViewSet, ScopedSerializer
from webnet.api.fields import CustomerField, resolve_customer
from webnet.api.filters import MAX_ID
from webnet.api.permissions import CustomerScopedQuerysetMixin
from webnet.api.revocable_tokens import RevocableTokenSerializer, RevocableTokenViewSet


class EventSerializer(serializers.ModelSerializer):
    hostname = serializers.CharField(source="device.hostname", read_only=True, default=None)

    class Meta:
        model = Event
        fields = [
            "id",
            "customer",
            "time",
            "source",
            "device",
            "hostname",
            "if_index",
            "source_address",
            "condition",
            "action",
            "severity",
            "resource",
            "message",
            "data",
            "alarm",
        ]
        read_only_fields = fields


class EventViewSet(
    ExportMixin,
    CustomerScopedQuerysetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Stored events (bounded by WEBNET_EVENT_RETENTION_DAYS), searchable by message."""

    queryset = Event.objects.select_related("device")
    serializer_class = EventSerializer
    filterset_class = EventFilterSet
    search_fields = ["message", "condition", "resource"]
    ordering_fields = ["time"]


class AlarmSerializer(serializers.ModelSerializer):
    hostname = serializers.CharField(source="device.hostname", read_only=True, default=None)
    acknowledged_by = serializers.CharField(
        source="acknowledged_by.username", read_only=True, default=None
    )
    notifiable = serializers.SerializerMethodField()
    suppressed_by_label = serializers.SerializerMethodField()

    class Meta:
        model = Alarm
        fields = [
            "id",
            "customer",
            "condition",
            "resource",
            "device",
            "hostname",
            "if_index",
            "severity",
            "state",
            "message",
            "labels",
            "first_seen",
            "last_seen",
            "occurrences",
            "flapping",
            "acknowledged_by",
            "acknowledged_at",
            "ack_comment",
            "cleared_at",
            "clear_reason",
            "shelved_until",
            "silenced_by",
            "suppressed_by",
            "suppressed_by_label",
            "inhibited_by",
            "awaiting_recheck",
            "notifiable",
            "rule",
        ]
        read_only_fields = fields

    def get_notifiable(self, alarm: Alarm) -> bool:
        return notifiable(alarm)

    def get_suppressed_by_label(self, alarm: Alarm) -> str | None:
        root = alarm.suppressed_by
        return None if root is None else f"{root.condition} on {root.resource} (#{root.pk})"


class AckSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class BulkAckSerializer(AckSerializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), min_length=1, max_length=1000
    )


class ShelveSerializer(serializers.Serializer):
    until = serializers.DateTimeField(allow_null=True)


class AlarmViewSet(
    ExportMixin,
    CustomerScopedQuerysetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Alarms, one per customer + resource + condition while open; actions change their state."""

    queryset = Alarm.objects.select_related("device", "acknowledged_by", "suppressed_by")
    serializer_class = AlarmSerializer
    filterset_class = AlarmFilterSet
    search_fields = ["condition", "resource", "message", "device__hostname"]
    ordering_fields = ["last_seen", "first_seen", "severity", "occurrences"]
    permission_actions = {
        "acknowledge": "acknowledge",
        "bulk_acknowledge": "acknowledge",
        "clear": "clear",
        "shelve": "shelve",
        "counts": "view",
        "groups": "view",
    }

    def _respond(self, alarm: Alarm) -> Response:
        alarm.refresh_from_db()
        return Response(self.get_serializer(alarm).data)

    @extend_schema(request=AckSerializer, responses=AlarmSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request: Request, pk: str | None = None) -> Response:
        alarm = self.get_object()
        form = AckSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        services.acknowledge(request.user, [alarm], form.validated_data["comment"])
        return self._respond(alarm)

    @extend_schema(
        request=BulkAckSerializer,
        responses=inline_serializer("BulkAck", {"acknowledged": serializers.ListField()}),
    )
    @action(detail=False, methods=["post"], url_path="bulk-acknowledge")
    def bulk_acknowledge(self, request: Request) -> Response:
        """Acknowledge many at once; ids the user cannot see are reported as not found."""
        form = BulkAckSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        ids = set(form.validated_data["ids"])
        alarms = list(self.get_queryset().filter(pk__in=ids))
        missing = ids - {alarm.pk for alarm in alarms}
        if missing:
            raise serializers.ValidationError({"ids": [f"Not found: {sorted(missing)}"]})
        done = services.acknowledge(request.user, alarms, form.validated_data["comment"])
        return Response({"acknowledged": sorted(alarm.pk for alarm in done)})

    @extend_schema(request=AckSerializer, responses=AlarmSerializer)
    @action(detail=True, methods=["post"])
    def clear(self, request: Request, pk: str | None = None) -> Response:
        alarm = self.get_object()
        form = AckSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        services.clear_by_hand(request.user, alarm, form.validated_data["comment"])
        return self._respond(alarm)

    @extend_schema(request=ShelveSerializer, responses=AlarmSerializer)
    @action(detail=True, methods=["post"])
    def shelve(self, request: Request, pk: str | None = None) -> Response:
        alarm = self.get_object()
        form = ShelveSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        services.shelve(request.user, alarm, form.validated_data["until"])
        return self._respond(alarm)

    @extend_schema(
        responses=inline_serializer("AlarmCounts", {"open": serializers.DictField()}),
    )
    @action(detail=False, methods=["get"])
    def counts(self, request: Request) -> Response:
        """Open alarms per severity (the dashboard), after the list's filters."""
        rows = self.filter_queryset(self.get_queryset()).filter(
            state__in=("active", "acknowledged")
        )
        counted: dict[str, int] = {}
        for severity in rows.values_list("severity", flat=True):
            counted[severity] = counted.get(severity, 0) + 1
        return Response({"open": counted})

    @extend_schema(
        parameters=[OpenApiParameter("group_by", OpenApiTypes.STR, description="a,b,c")],
        responses=inline_serializer(
            "AlarmGroup",
            {"labels": serializers.DictField(), "alarms": serializers.ListField()},
            many=True,
        ),
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def groups(self, request: Request) -> Response:
        """Open alarms grouped like Alertmanager groups alerts (by label values)."""
        group_by = [n for n in request.query_params.get("group_by", "condition").split(",") if n]
        if len(group_by) > 10:
            raise serializers.ValidationError({"group_by": ["At most 10 labels."]})
        alarms = list(
            self.filter_queryset(self.get_queryset()).filter(state__in=("active", "acknowledged"))[
                :5000
            ]
        )
        labelled = [silences.alarm_labels(alarm) for alarm in alarms]
        found = grouping.groups(labelled, group_by)
        return Response(
            [
                {"labels": dict(sorted(key)), "alarms": [alarms[i].pk for i in members]}
                for key, members in found.items()
            ]
        )


class AlarmRuleSerializer(ScopedSerializer):
    class Meta:
        model = AlarmRule
        fields = [
            "id",
            "customer",
            "name",
            "kind",
            "condition",
            "severity",
            "enabled",
            "spec",
            "auto_clear_seconds",
            "flap_count",
            "flap_window_seconds",
            "description",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        kind = attrs.get("kind", getattr(self.instance, "kind", None))
        spec = attrs.get("spec", getattr(self.instance, "spec", {}))
        try:
            validate_spec(str(kind), spec)
        except RuleError as exc:
            raise serializers.ValidationError(exc.errors) from exc
        return attrs


class CustomerChoice(serializers.Serializer):
    customer = CustomerField(required=False)


class RuleYAMLSerializer(CustomerChoice):
    yaml = serializers.CharField(trim_whitespace=False, max_length=1_000_000)


class RuleTestSerializer(CustomerChoice):
    kind = serializers.ChoiceField(choices=["event", "state"])
    spec = serializers.DictField()
    limit = serializers.IntegerField(min_value=1, max_value=500, default=50)


class AlarmRuleViewSet(ScopedModelViewSet):
    """Rules per customer; `import-yaml/` and `export-yaml/` like compliance policies; `test/`
    runs a rule against stored events without saving it."""

    queryset = AlarmRule.objects.all()
    serializer_class = AlarmRuleSerializer
    filterset_fields = ["customer", "kind", "enabled", "severity", "condition"]
    search_fields = ["name", "condition", "description"]
    ordering_fields = ["name", "created_at"]
    permission_actions = {"import_yaml": "add", "export_yaml": "view", "test": "view"}

    @extend_schema(request=RuleYAMLSerializer, responses=AlarmRuleSerializer(many=True))
    @action(detail=False, methods=["post"], url_path="import-yaml", pagination_class=None)
    def import_yaml(self, request: Request) -> Response:
        form = RuleYAMLSerializer(data=request.data, context=self.get_serializer_context())
        form.is_valid(raise_exception=True)
        customer = resolve_customer(request.user, form.validated_data.get("customer"))
        try:
            saved = services.import_rules(request.user, customer, form.validated_data["yaml"])
        except RuleYAMLError as exc:
            raise serializers.ValidationError({"yaml": exc.errors}) from exc
        body = AlarmRuleSerializer(saved, many=True, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_200_OK)

    @extend_schema(
        parameters=[OpenApiParameter("customer", OpenApiTypes.INT)],
        responses={(200, "application/yaml"): OpenApiTypes.OBJECT},  # {"rules": [...]}
    )
    @action(detail=False, methods=["get"], url_path="export-yaml")
    def export_yaml(self, request: Request) -> HttpResponse:
        given = {k: v for k, v in request.query_params.items() if k == "customer" and v}
        form = CustomerChoice(data=given, context=self.get_serializer_context())
        form.is_valid(raise_exception=True)
        customer = resolve_customer(request.user, form.validated_data.get("customer"))
        return HttpResponse(services.export_rules(customer.pk), content_type="application/yaml")

    @extend_schema(request=RuleTestSerializer, responses=EventSerializer(many=True))
    @action(detail=False, methods=["post"], pagination_class=None)
    def test(self, request: Request) -> Response:
        form = RuleTestSerializer(data=request.data, context=self.get_serializer_context())
        form.is_valid(raise_exception=True)
        data = form.validated_data
        customer = resolve_customer(request.user, data.get("customer"))
        try:
            spec = validate_spec(data["kind"], data["spec"])
        except RuleError as exc:
            raise serializers.ValidationError(exc.errors) from exc
        found = services.test_rule(customer.pk, data["kind"], spec, data["limit"])
        return Response(EventSerializer(found, many=True).data)


class SilenceSerializer(ScopedSerializer):
    created_by = serializers.CharField(source="created_by.username", read_only=True, default=None)

    class Meta:
        model = Silence
        fields = [
            "id",
            "customer",
            "matchers",
            "starts_at",
            "ends_at",
            "comment",
            "created_by",
            "created_at",
        ]
        read_only_fields = ["created_by", "created_at"]

    def validate_matchers(self, value: Any) -> Any:
        try:
            return matchers.validate_matchers(value)
        except ValueError as exc:
            raise serializers.ValidationError(str(exc)) from exc

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        starts = attrs.get("starts_at", getattr(self.instance, "starts_at", None))
        ends = attrs.get("ends_at", getattr(self.instance, "ends_at", None))
        if starts and ends and ends <= starts:
            raise serializers.ValidationError({"ends_at": ["Must be after starts_at."]})
        if self.instance is None:
            attrs["created_by"] = self.context["request"].user
        return attrs


class SilenceViewSet(ScopedModelViewSet):
    queryset = Silence.objects.select_related("created_by")
    serializer_class = SilenceSerializer
    filterset_fields = ["customer"]
    search_fields = ["comment"]
    ordering_fields = ["starts_at", "ends_at"]


class InhibitRuleSerializer(ScopedSerializer):
    equal = serializers.ListField(
        child=serializers.CharField(max_length=100), required=False, max_length=50
    )

    class Meta:
        model = InhibitRule
        fields = [
            "id",
            "customer",
            "name",
            "enabled",
            "source_matchers",
            "target_matchers",
            "equal",
            "description",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]

    def validate_source_matchers(self, value: Any) -> Any:
        return _matchers(value)

    def validate_target_matchers(self, value: Any) -> Any:
        return _matchers(value)


def _matchers(value: Any) -> Any:
    try:
        return matchers.validate_matchers(value)
    except ValueError as exc:
        raise serializers.ValidationError(str(exc)) from exc


class InhibitRuleViewSet(ScopedModelViewSet):
    """Alertmanager-style inhibit rules (also in the rules' YAML, under `inhibit_rules`)."""

    queryset = InhibitRule.objects.all()
    serializer_class = InhibitRuleSerializer
    filterset_fields = ["customer", "enabled"]
    search_fields = ["name", "description"]
    ordering_fields = ["name", "created_at"]


class WebhookTokenSerializer(RevocableTokenSerializer):
    class Meta(RevocableTokenSerializer.Meta):
        model = WebhookToken


class WebhookTokenViewSet(RevocableTokenViewSet):
    """Inbound-webhook tokens: the secret is shown once, at creation; `revoke/` ends one."""

    queryset = WebhookToken.objects.all()
    serializer_class = WebhookTokenSerializer


def _webhook_token(request: Request) -> WebhookToken | None:
    """The request's live webhook token, looked up once (the throttle and the view share it)."""
    if not hasattr(request, "_webhook_token"):
        header = request.headers.get("Authorization", "")
        raw = header.removeprefix("Bearer ").strip() or request.headers.get("X-Webnet-Token", "")
        request._webhook_token = services.token_customer(raw)  # type: ignore[attr-defined]
    return request._webhook_token  # type: ignore[attr-defined]


class InboundWebhookThrottle(SimpleRateThrottle):
    """Per token (WEBNET_INBOUND_WEBHOOK_RATE): a monitoring system posting for a whole network
    is not an anonymous visitor. A request without a live token gets the anonymous rate per
    client address, so guessing tokens is throttled like any anonymous request."""

    scope = "inbound_webhook"
    anonymous: AnonRateThrottle | None = None

    def get_rate(self) -> str:
        return settings.WEBNET_INBOUND_WEBHOOK_RATE

    def allow_request(self, request: Request, view: Any) -> bool:
        if _webhook_token(request) is None:
            self.anonymous = AnonRateThrottle()
            return self.anonymous.allow_request(request, view)
        return super().allow_request(request, view)

    def get_cache_key(self, request: Request, view: Any) -> str:
        token = _webhook_token(request)
        assert token is not None  # allow_request sent tokenless requests to the anonymous rate
        return f"throttle_inbound_webhook_{token.pk}"

    def wait(self) -> float | None:
        return self.anonymous.wait() if self.anonymous is not None else super().wait()


class InboundWebhookView(APIView):
    """POST events with `Authorization: Bearer whk_…` (or `X-Webnet-Token`): Alertmanager's
    webhook JSON or the plain format (alarms/webhooks.py). The token names the customer."""

    authentication_classes: list[Any] = []
    permission_classes: list[Any] = []
    throttle_classes = [InboundWebhookThrottle]

    @extend_schema(
        request=OpenApiTypes.OBJECT,
        responses={
            202: inline_serializer("InboundAccepted", {"events": serializers.IntegerField()})
        },
    )
    def post(self, request: Request) -> Response:
        token = _webhook_token(request)
        if token is None:
            return Response(
                {"detail": "Invalid or revoked webhook token."}, status=status.HTTP_401_UNAUTHORIZED
            )
        try:
            events = services.receive_webhook(token, request.data)
        except WebhookError as exc:
            raise serializers.ValidationError(exc.errors) from exc
        return Response({"events": len(events)}, status=status.HTTP_202_ACCEPTED)
