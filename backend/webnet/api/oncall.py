"""What incidents are worked with: teams, SLA policies and business calendars, escalation chains
and their steps, on-call schedules (who is on call now; iCalendar feed), rotations, their
members and overrides. Plain audited CRUD; people named in them must be the customer's members."""

from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from webnet.api.base import ScopedModelViewSet, ScopedSerializer
from webnet.api.fields import ScopedRelatedField
from webnet.customers.models import Membership
from webnet.incidents import config, schedules
from webnet.incidents.models import (
    BusinessCalendar,
    EscalationChain,
    EscalationStep,
    OnCallSchedule,
    Override,
    Rotation,
    RotationMember,
    SlaPolicy,
    Team,
)

FEED_DAYS = 35


class UserIdField(serializers.PrimaryKeyRelatedField):
    """A user id; checked to be a member of the object's customer in `validate`."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", get_user_model().objects.all())
        super().__init__(**kwargs)


class MembersMixin:
    """Serializers whose `user_fields` must name members of the object's customer (listed
    before ScopedSerializer, so the customer is settled when the members are checked)."""

    user_fields: tuple[str, ...] = ()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)  # type: ignore[misc]
        self.check_members(attrs)
        return attrs

    def check_members(self, attrs: dict[str, Any]) -> None:
        customer = attrs["customer"] if self.instance is None else self.instance.customer  # type: ignore[attr-defined]
        for name in self.user_fields:
            value = attrs.get(name)
            users = value if isinstance(value, list) else [value] if value is not None else []
            members = set(
                Membership.objects.for_customer(customer.pk)
                .filter(user__in=[u.pk for u in users])
                .values_list("user_id", flat=True)
            )
            strangers = [u.pk for u in users if u.pk not in members]
            if strangers:
                raise serializers.ValidationError(
                    {name: [f'Invalid pk "{pk}" - object does not exist.' for pk in strangers]}
                )


class TeamSerializer(MembersMixin, ScopedSerializer):
    members = UserIdField(many=True, required=False)
    user_fields = ("members",)

    class Meta:
        model = Team
        fields = ["id", "customer", "name", "description", "members", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]


class TeamViewSet(ScopedModelViewSet):
    queryset = Team.objects.prefetch_related("members")
    serializer_class = TeamSerializer
    filterset_fields = ["customer"]
    search_fields = ["name"]
    ordering_fields = ["name"]


class BusinessCalendarSerializer(ScopedSerializer):
    class Meta:
        model = BusinessCalendar
        fields = [
            "id",
            "customer",
            "name",
            "always_open",
            "time_zone",
            "weekly_hours",
            "holiday_country",
            "holiday_subdivision",
            "extra_holidays",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]

    def validate_time_zone(self, value: str) -> str:
        return config.check_zone(value)

    def validate_weekly_hours(self, value: Any) -> Any:
        return config.check_weekly_hours(value)

    def validate_extra_holidays(self, value: Any) -> Any:
        return config.check_extra_holidays(value)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        config.check_holidays(
            attrs.get("holiday_country", getattr(self.instance, "holiday_country", "")),
            attrs.get("holiday_subdivision", getattr(self.instance, "holiday_subdivision", "")),
        )
        return attrs


class BusinessCalendarViewSet(ScopedModelViewSet):
    queryset = BusinessCalendar.objects.all()
    serializer_class = BusinessCalendarSerializer
    filterset_fields = ["customer"]
    search_fields = ["name"]
    ordering_fields = ["name"]


class SlaPolicySerializer(ScopedSerializer):
    calendar = ScopedRelatedField(BusinessCalendar, required=False, allow_null=True)

    class Meta:
        model = SlaPolicy
        fields = [
            "id",
            "customer",
            "name",
            "calendar",
            "targets",
            "at_risk_percent",
            "is_default",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]

    def validate_targets(self, value: Any) -> Any:
        return config.check_targets(value)

    def validate_at_risk_percent(self, value: int) -> int:
        return config.check_at_risk_percent(value)


class SlaPolicyViewSet(ScopedModelViewSet):
    queryset = SlaPolicy.objects.select_related("calendar")
    serializer_class = SlaPolicySerializer
    filterset_fields = ["customer", "is_default"]
    search_fields = ["name"]
    ordering_fields = ["name"]


class EscalationChainSerializer(ScopedSerializer):
    class Meta:
        model = EscalationChain
        fields = [
            "id",
            "customer",
            "name",
            "description",
            "ack_timeout_seconds",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]


class EscalationChainViewSet(ScopedModelViewSet):
    queryset = EscalationChain.objects.all()
    serializer_class = EscalationChainSerializer
    filterset_fields = ["customer"]
    search_fields = ["name"]
    ordering_fields = ["name"]


class EscalationStepSerializer(MembersMixin, ScopedSerializer):
    chain = ScopedRelatedField(EscalationChain)
    team = ScopedRelatedField(Team, required=False, allow_null=True)
    schedule = ScopedRelatedField(OnCallSchedule, required=False, allow_null=True)
    user = UserIdField(required=False, allow_null=True)
    user_fields = ("user",)

    class Meta:
        model = EscalationStep
        fields = [
            "id",
            "customer",
            "chain",
            "position",
            "wait_seconds",
            "target_kind",
            "user",
            "team",
            "schedule",
        ]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        merged: dict[str, Any] = {  # each field as it will be saved (payload, else the stored)
            name: attrs.get(name, getattr(self.instance, name, None))
            for name in ("target_kind", "user", "team", "schedule")
        }
        config.check_step_target(merged.pop("target_kind"), merged)
        return attrs


class EscalationStepViewSet(ScopedModelViewSet):
    queryset = EscalationStep.objects.select_related("chain")
    serializer_class = EscalationStepSerializer
    filterset_fields = ["customer", "chain"]
    ordering_fields = ["position"]


class OnCallScheduleSerializer(ScopedSerializer):
    class Meta:
        model = OnCallSchedule
        fields = ["id", "customer", "name", "description", "time_zone", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]

    def validate_time_zone(self, value: str) -> str:
        return config.check_zone(value)


class OnCallScheduleViewSet(ScopedModelViewSet):
    """Schedules; `now/` says who is on call (null: nobody), `ical/` is the calendar feed."""

    queryset = OnCallSchedule.objects.all()
    serializer_class = OnCallScheduleSerializer
    filterset_fields = ["customer"]
    search_fields = ["name"]
    ordering_fields = ["name"]
    permission_actions = {"now": "view", "ical": "view"}

    @extend_schema(
        responses=inline_serializer(
            "OnCallNow",
            {
                "user": serializers.IntegerField(allow_null=True),
                "username": serializers.CharField(),
            },
        )
    )
    @action(detail=True, methods=["get"])
    def now(self, request: Request, pk: str | None = None) -> Response:
        user = schedules.on_call_user(self.get_object(), timezone.now())
        return Response(
            {"user": user.pk if user else None, "username": user.get_username() if user else None}
        )

    @extend_schema(responses={(200, "text/calendar"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def ical(self, request: Request, pk: str | None = None) -> HttpResponse:
        now = timezone.now()
        body = schedules.feed(
            self.get_object(), now - timedelta(days=7), now + timedelta(days=FEED_DAYS), now
        )
        return HttpResponse(body, content_type="text/calendar")


class RotationSerializer(ScopedSerializer):
    schedule = ScopedRelatedField(OnCallSchedule)

    class Meta:
        model = Rotation
        fields = [
            "id",
            "customer",
            "schedule",
            "name",
            "layer",
            "length_days",
            "handoff_time",
            "time_zone",
            "start_date",
        ]

    def validate_time_zone(self, value: str) -> str:
        return config.check_zone(value)

    def validate_length_days(self, value: int) -> int:
        return config.check_length_days(value)


class RotationViewSet(ScopedModelViewSet):
    queryset = Rotation.objects.select_related("schedule")
    serializer_class = RotationSerializer
    filterset_fields = ["customer", "schedule"]
    ordering_fields = ["layer"]


class RotationMemberSerializer(MembersMixin, ScopedSerializer):
    rotation = ScopedRelatedField(Rotation)
    user = UserIdField()
    user_fields = ("user",)

    class Meta:
        model = RotationMember
        fields = ["id", "customer", "rotation", "user", "position"]


class RotationMemberViewSet(ScopedModelViewSet):
    queryset = RotationMember.objects.select_related("rotation")
    serializer_class = RotationMemberSerializer
    filterset_fields = ["customer", "rotation"]
    ordering_fields = ["position"]


class OverrideSerializer(MembersMixin, ScopedSerializer):
    schedule = ScopedRelatedField(OnCallSchedule)
    user = UserIdField()
    user_fields = ("user",)

    class Meta:
        model = Override
        fields = ["id", "customer", "schedule", "user", "start", "end", "created_at"]
        read_only_fields = ["created_at"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        start = attrs.get("start", getattr(self.instance, "start", None))
        end = attrs.get("end", getattr(self.instance, "end", None))
        config.check_override_span(start, end)
        return attrs


class OverrideViewSet(ScopedModelViewSet):
    queryset = Override.objects.select_related("schedule")
    serializer_class = OverrideSerializer
    filterset_fields = ["customer", "schedule", "user"]
    ordering_fields = ["start"]
