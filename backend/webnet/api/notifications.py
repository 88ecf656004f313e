"""Notifications API: sinks (secrets write-only, a test action), routing rules, templates (with
preview), the delivery log (retry dead letters), and each user's inbox and preferences."""

from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from webnet.api.base import ExportMixin, ScopedModelViewSet, ScopedSerializer
from webnet.api.fields import CustomerField, ScopedRelatedField, resolve_customer
from webnet.api.permissions import CustomerScopedQuerysetMixin
from webnet.customers.models import Membership
from webnet.devices.models import DeviceGroup, Tag
from webnet.notifications import services
from webnet.notifications.models import (
    Channel,
    Delivery,
    DeliveryAttempt,
    InboxItem,
    NotificationPreference,
    NotificationTemplate,
    RoutingRule,
    Sink,
)
from webnet.notifications.templates import TemplateRenderError


@extend_schema_field(
    {"type": "string", "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9]$", "example": "08:00"}
)
class LocalTimeField(serializers.TimeField):
    """A wall-clock time of day in the rule's or user's own zone (no offset): "HH:MM"."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("format", "%H:%M")
        kwargs.setdefault("input_formats", ["%H:%M", "%H:%M:%S"])
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)


def _zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise serializers.ValidationError(f"Unknown time zone {value!r}.") from exc
    return value


class SinkSerializer(ScopedSerializer):
    secret = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        help_text="webhook: whsec_… signing secret (generated if omitted); "
        "slack/teams/mattermost: the incoming-webhook URL",
    )
    recipients = serializers.ListField(child=serializers.CharField(), required=False)

    class Meta:
        model = Sink
        fields = [
            "id",
            "customer",
            "name",
            "kind",
            "enabled",
            "url",
            "recipients",
            "secret",
            "has_secret",
            "failure_threshold",
            "dead_letter_seconds",
            "consecutive_failures",
            "circuit_open_until",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "consecutive_failures",
            "circuit_open_until",
            "created_at",
            "updated_at",
        ]


class TestResultSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    status_code = serializers.IntegerField(allow_null=True)
    error = serializers.CharField()


class SinkViewSet(ScopedModelViewSet):
    queryset = Sink.objects.all()
    serializer_class = SinkSerializer
    filterset_fields = ["customer", "kind", "enabled"]
    search_fields = ["name"]
    ordering_fields = ["name", "created_at"]
    permission_actions = {"test": "test"}
    create_with_model = False
    create_service = staticmethod(services.create_sink)
    update_service = staticmethod(services.update_sink)

    @extend_schema(request=None, responses={200: TestResultSerializer})
    @action(detail=True, methods=["post"])
    def test(self, request: Request, pk: str | None = None) -> Response:
        """Send a sample message through this sink's real template and transport, now."""
        outcome = services.test_sink(request.user, self.get_object())
        return Response(
            {"ok": outcome.ok, "status_code": outcome.status_code, "error": outcome.error}
        )


class RoutingRuleSerializer(ScopedSerializer):
    sinks = ScopedRelatedField(Sink, many=True, required=False)
    device_group = ScopedRelatedField(DeviceGroup, required=False, allow_null=True)
    tag = ScopedRelatedField(Tag, required=False, allow_null=True)
    users = serializers.PrimaryKeyRelatedField(
        many=True, required=False, queryset=get_user_model().objects.all()
    )
    location_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False
    )
    weekdays = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=6), required=False
    )
    start_time = LocalTimeField()
    end_time = LocalTimeField()

    class Meta:
        model = RoutingRule
        fields = [
            "id",
            "customer",
            "name",
            "enabled",
            "position",
            "topic",
            "min_severity",
            "location_ids",
            "device_group",
            "tag",
            "weekdays",
            "start_time",
            "end_time",
            "time_zone",
            "sinks",
            "users",
            "stop",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]

    def validate_time_zone(self, value: str) -> str:
        return _zone(value)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        customer = attrs["customer"] if self.instance is None else self.instance.customer
        users = attrs.get("users", [])
        members = set(
            Membership.objects.for_customer(customer.pk)
            .filter(user__in=[u.pk for u in users])
            .values_list("user_id", flat=True)
        )
        strangers = [u.pk for u in users if u.pk not in members]
        if strangers:
            raise serializers.ValidationError(
                {"users": [f'Invalid pk "{pk}" - object does not exist.' for pk in strangers]}
            )
        return attrs


class RoutingRuleViewSet(ScopedModelViewSet):
    queryset = RoutingRule.objects.select_related("device_group", "tag").prefetch_related(
        "sinks", "users"
    )
    serializer_class = RoutingRuleSerializer
    filterset_fields = ["customer", "enabled", "topic"]
    search_fields = ["name"]
    ordering_fields = ["position", "name"]
    create_with_model = False
    create_service = staticmethod(services.create_rule)
    update_service = staticmethod(services.update_rule)


class NotificationTemplateSerializer(ScopedSerializer):
    class Meta:
        model = NotificationTemplate
        fields = ["id", "customer", "topic", "channel", "subject", "body", "updated_at"]
        read_only_fields = ["updated_at"]


class PreviewSerializer(serializers.Serializer):
    customer = CustomerField(required=False)
    topic = serializers.CharField(default="alarm", max_length=40)
    channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.EMAIL)
    subject = serializers.CharField(required=False, allow_blank=True, default="")
    body = serializers.CharField(trim_whitespace=False)


class NotificationTemplateViewSet(ScopedModelViewSet):
    queryset = NotificationTemplate.objects.all()
    serializer_class = NotificationTemplateSerializer
    filterset_fields = ["customer", "topic", "channel"]
    ordering_fields = ["topic", "channel"]
    permission_actions = {"preview": "preview"}
    create_with_model = False
    create_service = staticmethod(services.create_template)
    update_service = staticmethod(services.update_template)

    @extend_schema(
        request=PreviewSerializer,
        responses={
            200: inline_serializer(
                "TemplatePreview",
                {"subject": serializers.CharField(), "body": serializers.CharField()},
            )
        },
    )
    @action(detail=False, methods=["post"])
    def preview(self, request: Request) -> Response:
        """Render a template against a sample message; mistakes answer 400 with the line."""
        data = PreviewSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        values = data.validated_data
        customer = resolve_customer(
            request.user, values.get("customer"), "notificationtemplate", "preview"
        )
        try:
            rendered = services.preview(
                request.user,
                customer,
                topic=values["topic"],
                channel=values["channel"],
                subject=values["subject"],
                body=values["body"],
            )
        except TemplateRenderError as exc:
            raise serializers.ValidationError({"body": [str(exc)]}) from exc
        return Response({"subject": rendered.subject, "body": rendered.body})


class DeliveryAttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = DeliveryAttempt
        fields = ["id", "at", "ok", "status_code", "error", "duration_ms"]
        read_only_fields = fields


class DeliverySerializer(serializers.ModelSerializer):
    topic = serializers.CharField(source="message.topic", read_only=True)
    key = serializers.CharField(source="message.key", read_only=True)
    state = serializers.CharField(source="message.state", read_only=True)
    severity = serializers.CharField(source="message.severity", read_only=True)
    title = serializers.CharField(source="message.title", read_only=True)

    class Meta:
        model = Delivery
        fields = [
            "id",
            "customer",
            "message",
            "topic",
            "key",
            "state",
            "severity",
            "title",
            "sink",
            "user",
            "channel",
            "idempotency_key",
            "status",
            "attempts",
            "next_attempt_at",
            "dead_at_after",
            "last_error",
            "delivered_at",
            "created_at",
        ]
        read_only_fields = fields


class DeliveryViewSet(
    ExportMixin,
    CustomerScopedQuerysetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """The delivery log; a dead letter can be retried."""

    queryset = Delivery.objects.select_related("message")
    serializer_class = DeliverySerializer
    filterset_fields = ["customer", "status", "sink", "channel", "message"]
    search_fields = ["idempotency_key", "message__title", "message__key"]
    ordering_fields = ["created_at", "next_attempt_at"]
    permission_actions = {"retry": "retry", "attempts": "view"}

    @extend_schema(request=None, responses={200: DeliverySerializer})
    @action(detail=True, methods=["post"])
    def retry(self, request: Request, pk: str | None = None) -> Response:
        delivery = services.retry_delivery(request.user, self.get_object())
        return Response(self.get_serializer(delivery).data)

    @extend_schema(responses={200: DeliveryAttemptSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def attempts(self, request: Request, pk: str | None = None) -> Response:
        rows = self.get_object().log.all()[:200]
        return Response(DeliveryAttemptSerializer(rows, many=True).data)


class InboxItemSerializer(serializers.ModelSerializer):
    read = serializers.SerializerMethodField()

    class Meta:
        model = InboxItem
        fields = [
            "id",
            "customer",
            "topic",
            "state",
            "severity",
            "title",
            "body",
            "read",
            "read_at",
            "created_at",
        ]
        read_only_fields = fields

    def get_read(self, obj: InboxItem) -> bool:
        return obj.read_at is not None


class MarkSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(), required=False)
    read = serializers.BooleanField(default=True)


class InboxViewSet(
    ExportMixin,
    CustomerScopedQuerysetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """The signed-in user's own notifications (nobody sees another user's inbox)."""

    queryset = InboxItem.objects.all()
    serializer_class = InboxItemSerializer
    filterset_fields = ["customer", "severity", "topic"]
    ordering_fields = ["created_at"]
    permission_actions = {"mark": "change", "unread": "view"}

    def get_queryset(self) -> Any:
        return super().get_queryset().filter(user_id=self.request.user.pk)

    @extend_schema(
        request=MarkSerializer,
        responses={200: inline_serializer("Marked", {"changed": serializers.IntegerField()})},
    )
    @action(detail=False, methods=["post"])
    def mark(self, request: Request) -> Response:
        """Mark items (`ids`, or all) read — or unread again with `read: false`."""
        data = MarkSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        items = self.get_queryset()
        if "ids" in data.validated_data:
            items = items.filter(pk__in=data.validated_data["ids"])
        changed = services.mark_read(request.user, items, data.validated_data["read"])
        return Response({"changed": changed})

    @extend_schema(
        responses={200: inline_serializer("Unread", {"unread": serializers.IntegerField()})}
    )
    @action(detail=False, methods=["get"])
    def unread(self, request: Request) -> Response:
        return Response({"unread": self.get_queryset().filter(read_at__isnull=True).count()})


class NotificationPreferenceSerializer(ScopedSerializer):
    quiet_start = LocalTimeField()
    quiet_end = LocalTimeField()

    class Meta:
        model = NotificationPreference
        fields = [
            "id",
            "customer",
            "min_severity",
            "email",
            "quiet_start",
            "quiet_end",
            "time_zone",
        ]

    def validate_time_zone(self, value: str) -> str:
        return _zone(value)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        attrs["user"] = self.context["request"].user
        if self.instance is None:
            existing = NotificationPreference.objects.for_customer(attrs["customer"].pk).filter(
                user=attrs["user"]
            )
            if existing.exists():
                raise serializers.ValidationError(
                    {"customer": ["You already have preferences for this customer."]}
                )
        return attrs


class NotificationPreferenceViewSet(ScopedModelViewSet):
    """Each user's own preferences per customer."""

    queryset = NotificationPreference.objects.all()
    serializer_class = NotificationPreferenceSerializer
    filterset_fields = ["customer"]

    def get_queryset(self) -> Any:
        return super().get_queryset().filter(user_id=self.request.user.pk)
