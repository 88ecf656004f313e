"""Terminal sessions (admin): who opened which device when, bytes, and the typed transcript."""

from rest_framework import mixins, serializers, viewsets

from webnet.api.base import ExportMixin
from webnet.api.permissions import CustomerScopedQuerysetMixin
from webnet.terminal.models import TerminalSession


class TerminalSessionSerializer(serializers.ModelSerializer):
    class Meta:
        model = TerminalSession
        fields = [
            "id",
            "customer",
            "device",
            "device_hostname",
            "user",
            "username",
            "client_ip",
            "started_at",
            "ended_at",
            "end_reason",
            "message",
            "bytes_in",
            "bytes_out",
            "transcript",
        ]
        read_only_fields = fields


class TerminalSessionViewSet(
    ExportMixin,
    CustomerScopedQuerysetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    queryset = TerminalSession.objects.all()
    serializer_class = TerminalSessionSerializer
    filterset_fields = ["customer", "device", "user", "end_reason"]
    search_fields = ["device_hostname", "username"]
    ordering_fields = ["started_at", "ended_at"]
