"""AAA API: the NAS registry (secret write-only), online and past sessions with CoA and
Disconnect actions, the CoA log, and FreeRADIUS's user rows read-only for admins."""

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from webnet.aaa import coa, services
from webnet.aaa.models import (
    CoaAttempt,
    Nas,
    RadAcct,
    RadCheck,
    RadPostAuth,
    RadReply,
    RadUserGroup,
)
from webnet.api.base import ExportMixin, ScopedModelViewSet, ScopedSerializer
from webnet.api.permissions import CustomerScopedQuerysetMixin
from webnet.core.models import CustomerOwned

MASK = "********"


class NasSerializer(ScopedSerializer):
    secret = serializers.CharField(
        write_only=True,
        required=False,
        trim_whitespace=False,
        max_length=128,
        help_text="RADIUS shared secret (stored encrypted, never shown)",
    )
    nasname = serializers.IPAddressField(help_text="the NAS's source address")

    class Meta:
        model = Nas
        fields = [
            "id",
            "customer",
            "name",
            "nasname",
            "shortname",
            "type",
            "coa_port",
            "description",
            "secret",
            "has_secret",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]

    def validate_coa_port(self, value: int) -> int:
        if not 1 <= value <= 65535:
            raise serializers.ValidationError("A UDP port is 1-65535.")
        return value


class NasViewSet(ScopedModelViewSet):
    queryset = Nas.objects.all()
    serializer_class = NasSerializer
    filterset_fields = ["customer", "type", "nasname"]
    search_fields = ["name", "nasname", "description"]
    ordering_fields = ["name", "nasname", "created_at"]
    create_with_model = False
    create_service = staticmethod(services.create_nas)
    update_service = staticmethod(services.update_nas)


class ReadOnlyScoped(
    ExportMixin,
    CustomerScopedQuerysetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Rows FreeRADIUS (or provisioning) writes; read through the gate only."""


class SessionSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(source="pk", read_only=True)
    online = serializers.BooleanField(read_only=True)

    class Meta:
        model = RadAcct
        fields = [
            "id",
            "customer",
            "username",
            "acctsessionid",
            "nasipaddress",
            "nasportid",
            "framedipaddress",
            "callingstationid",
            "acctstarttime",
            "acctupdatetime",
            "acctstoptime",
            "acctinterval",
            "acctsessiontime",
            "acctinputoctets",
            "acctoutputoctets",
            "acctterminatecause",
            "online",
        ]
        read_only_fields = fields


class CoaAttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = CoaAttempt
        fields = [
            "id",
            "customer",
            "session",
            "nas",
            "kind",
            "attributes",
            "outcome",
            "error_cause",
            "tries",
            "created_at",
        ]
        read_only_fields = fields


class CoaRequestSerializer(serializers.Serializer):
    attributes = serializers.DictField(
        child=serializers.CharField(max_length=253),
        allow_empty=False,
        help_text='e.g. {"Mikrotik-Rate-Limit": "2M/2M"}',
    )

    def validate_attributes(self, value: dict[str, str]) -> dict[str, str]:
        unknown = coa.unknown_attributes(value)
        if unknown:
            raise serializers.ValidationError(f"Unknown RADIUS attributes: {', '.join(unknown)}.")
        return value


class SessionViewSet(ReadOnlyScoped):
    """Accounting sessions (`?online=true` for the live ones); CoA and Disconnect them."""

    queryset = RadAcct.objects.all()
    serializer_class = SessionSerializer
    filterset_fields = {
        "customer": ["exact"],
        "username": ["exact"],
        "nasipaddress": ["exact"],
        "acctstoptime": ["isnull"],
    }
    search_fields = ["username", "acctsessionid", "framedipaddress", "callingstationid"]
    ordering_fields = ["acctstarttime", "acctupdatetime", "username"]
    permission_actions = {"coa": "coa", "disconnect": "disconnect"}

    def get_queryset(self):  # type: ignore[no-untyped-def]
        queryset = super().get_queryset()
        online = self.request.query_params.get("online")
        if online in ("true", "1"):
            return queryset.filter(acctstoptime__isnull=True)
        if online in ("false", "0"):
            return queryset.filter(acctstoptime__isnull=False)
        return queryset

    @extend_schema(request=CoaRequestSerializer, responses={200: CoaAttemptSerializer})
    @action(detail=True, methods=["post"])
    def coa(self, request: Request, pk: str | None = None) -> Response:
        """Send a CoA-Request (e.g. a new rate) to the session's NAS; the outcome is returned."""
        body = CoaRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        attributes = body.validated_data["attributes"]
        attempt = services.send_coa(request.user, self.get_object(), attributes)
        return Response(CoaAttemptSerializer(attempt).data)

    @extend_schema(request=None, responses={200: CoaAttemptSerializer})
    @action(detail=True, methods=["post"])
    def disconnect(self, request: Request, pk: str | None = None) -> Response:
        """Send a Disconnect-Request; the session closes when the NAS's Accounting-Stop comes."""
        attempt = services.send_disconnect(request.user, self.get_object())
        return Response(CoaAttemptSerializer(attempt).data)


class CoaAttemptViewSet(ReadOnlyScoped):
    queryset = CoaAttempt.objects.all()
    serializer_class = CoaAttemptSerializer
    filterset_fields = ["customer", "session", "nas", "kind", "outcome"]
    ordering_fields = ["created_at"]


class AttributeRowSerializer(serializers.ModelSerializer):
    """A check/reply row; password values never leave (`********`)."""

    def to_representation(self, instance: Any) -> dict[str, Any]:
        data = super().to_representation(instance)
        if "Password" in data.get("attribute", ""):
            data["value"] = MASK
        return data


def _row_serializer(
    model_class: type[CustomerOwned], names: list[str]
) -> type[serializers.ModelSerializer]:
    meta = type("Meta", (), {"model": model_class, "fields": names, "read_only_fields": names})
    base = AttributeRowSerializer if "attribute" in names else serializers.ModelSerializer
    return type(f"{model_class.__name__}Serializer", (base,), {"Meta": meta})


def _row_viewset(model_class: type[CustomerOwned], names: list[str]) -> type[ReadOnlyScoped]:
    return type(
        f"{model_class.__name__}ViewSet",
        (ReadOnlyScoped,),
        {
            "queryset": model_class.objects.all(),
            "serializer_class": _row_serializer(model_class, names),
            "filterset_fields": ["customer", "username"],
            "search_fields": ["username"],
            "ordering_fields": ["id", "username"],
        },
    )


ATTRIBUTE_ROW = ["id", "customer", "username", "attribute", "op", "value"]
RadCheckViewSet = _row_viewset(RadCheck, ATTRIBUTE_ROW)
RadReplyViewSet = _row_viewset(RadReply, ATTRIBUTE_ROW)
RadUserGroupViewSet = _row_viewset(
    RadUserGroup, ["id", "customer", "username", "groupname", "priority"]
)
RadPostAuthViewSet = _row_viewset(RadPostAuth, ["id", "customer", "username", "reply", "authdate"])
