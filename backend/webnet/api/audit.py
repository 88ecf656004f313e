"""The audit trail, read-only."""

import django_filters
from rest_framework import mixins, serializers, viewsets

from webnet.api.base import ExportMixin
from webnet.api.filters import FilterSet
from webnet.api.permissions import CustomerScopedQuerysetMixin
from webnet.core.models import AuditEvent


class AuditEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "time",
            "actor",
            "actor_repr",
            "customer",
            "action",
            "object_type",
            "object_id",
            "object_repr",
            "changes",
            "request_id",
            "ip",
        ]
        read_only_fields = fields


class AuditEventFilter(FilterSet):
    since = django_filters.IsoDateTimeFilter(field_name="time", lookup_expr="gte")
    until = django_filters.IsoDateTimeFilter(field_name="time", lookup_expr="lt")
    actor = django_filters.CharFilter(field_name="actor_repr")

    class Meta:
        model = AuditEvent
        fields = ["customer", "action", "object_type", "object_id", "request_id"]


class AuditEventViewSet(
    ExportMixin,
    CustomerScopedQuerysetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Who did what, where and when. Admins see their customers' events; staff see all."""

    queryset = AuditEvent.objects.all()
    serializer_class = AuditEventSerializer
    filterset_class = AuditEventFilter
    search_fields = ["object_repr", "actor_repr", "action"]
    ordering_fields = ["time"]
