"""Inventory resources: credentials, devices, tags, device groups, SSH host keys, CSV import."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from webnet.api.base import ExportMixin, ScopedModelViewSet, ScopedSerializer
from webnet.api.fields import CustomerField, ScopedRelatedField, resolve_customer
from webnet.api.filters import FilterSet
from webnet.api.permissions import CustomerScopedQuerysetMixin
from webnet.customers.models import Customer
from webnet.devices import groups, importer, services
from webnet.devices.filters import DeviceFilterSet
from webnet.devices.keys import validate_private_key
from webnet.devices.models import (
    INVENTORY_FIELDS,
    Credential,
    Device,
    DeviceGroup,
    SSHHostKey,
    Tag,
)
from webnet.locations.models import Location, Rack, Site


class CredentialSerializer(ScopedSerializer):
    password = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        style={"input_type": "password"},
    )
    enable_secret = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        style={"input_type": "password"},
    )
    ssh_private_key = serializers.CharField(
        write_only=True, required=False, allow_blank=True, trim_whitespace=False
    )

    class Meta:
        model = Credential
        fields = [
            "id",
            "customer",
            "name",
            "description",
            "username",
            "password",
            "enable_secret",
            "ssh_private_key",
            "has_password",
            "has_enable_secret",
            "has_ssh_private_key",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]

    def validate_ssh_private_key(self, value: str) -> str:
        if value:
            validate_private_key(value)
        return value


class CredentialViewSet(ScopedModelViewSet):
    queryset = Credential.objects.all()
    serializer_class = CredentialSerializer
    filterset_fields = ["customer", "username"]
    search_fields = ["name", "username", "description"]
    ordering_fields = ["name", "created_at"]
    create_with_model = False
    create_service = staticmethod(services.create_credential)
    update_service = staticmethod(services.update_credential)


class TagSerializer(ScopedSerializer):
    class Meta:
        model = Tag
        fields = ["id", "customer", "name", "color", "description", "created_at"]
        read_only_fields = ["created_at"]


class TagViewSet(ScopedModelViewSet):
    queryset = Tag.objects.all()
    serializer_class = TagSerializer
    filterset_fields = ["customer", "name"]
    search_fields = ["name", "description"]
    ordering_fields = ["name", "created_at"]
    create_with_model = False
    create_service = staticmethod(services.create_tag)
    update_service = staticmethod(services.update_tag)


class DeviceSerializer(ScopedSerializer):
    tags = ScopedRelatedField(Tag, many=True, required=False)
    credential = ScopedRelatedField(Credential, required=False, allow_null=True)
    site = ScopedRelatedField(Site, required=False, allow_null=True)
    location = ScopedRelatedField(Location, required=False, allow_null=True)
    rack = ScopedRelatedField(Rack, required=False, allow_null=True)
    # A method field: a CharField with a default is skipped on partial updates (DRF), and the
    # schema promises the name on every response.
    site_name = serializers.SerializerMethodField()
    tag_names = serializers.SerializerMethodField()

    class Meta:
        model = Device
        fields = [
            "id",
            "customer",
            *INVENTORY_FIELDS,
            "site_name",
            "tags",
            "tag_names",
            "credential",
            "legacy_ssh",
            "status",
            "last_seen_at",
            "last_backup_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["status", "last_seen_at", "last_backup_at", "created_at", "updated_at"]

    def get_site_name(self, obj: Device) -> str:
        return obj.site.name if obj.site is not None else ""

    def get_tag_names(self, obj: Device) -> list[str]:
        return [tag.name for tag in obj.tags.all()]


class DeviceViewSet(ScopedModelViewSet):
    queryset = Device.objects.select_related("credential", "site").prefetch_related(
        Prefetch("tags", queryset=Tag.objects.order_by("name"))
    )
    serializer_class = DeviceSerializer
    filterset_class = DeviceFilterSet
    search_fields = ["hostname", "management_host", "serial_number", "model", "site__name"]
    ordering_fields = ["hostname", "platform", "site__name", "status", "created_at", "last_seen_at"]
    permission_actions = {"import_csv": "import"}
    create_with_model = False
    create_service = staticmethod(services.create_device)
    update_service = staticmethod(services.update_device)

    export_row = staticmethod(importer.export_row)  # the import's columns: a round trip

    @extend_schema(
        request=inline_serializer(
            "DeviceImport",
            {
                "file": serializers.FileField(),
                "customer": serializers.IntegerField(required=False),
                "dry_run": serializers.BooleanField(default=True),
                "on_existing": serializers.ChoiceField(choices=importer.ON_EXISTING),
                "create_sites": serializers.BooleanField(default=True),
            },
        ),
        responses={200: dict, 201: dict, 400: dict},
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        parser_classes=[MultiPartParser, FormParser],
    )
    def import_csv(self, request: Request) -> Response:
        """Import devices from CSV (the export's format). `dry_run` (default true) only reports
        per-row errors; `on_existing` says what a row naming an existing device does: `error`
        (default), `skip`, or `update` it. The `site` column names a site; `create_sites`
        (default true) creates the missing ones, false makes such a row an error."""
        form = ImportRequestSerializer(data=request.data, context=self.get_serializer_context())
        form.is_valid(raise_exception=True)
        customer: Customer = form.validated_data["customer"]
        content = form.validated_data["file"].read()
        on_existing = form.validated_data["on_existing"]
        create_sites = form.validated_data["create_sites"]
        code: int
        if form.validated_data["dry_run"]:
            report = importer.parse(request.user, content, customer, on_existing, create_sites)
            code = status.HTTP_200_OK if report.ok else status.HTTP_400_BAD_REQUEST
        else:
            report = importer.commit(request.user, content, customer, on_existing, create_sites)
            code = status.HTTP_201_CREATED if report.committed else status.HTTP_400_BAD_REQUEST
        return Response(report.as_dict(), status=code)


class ImportRequestSerializer(serializers.Serializer):
    file = serializers.FileField()
    customer = CustomerField(required=False)
    dry_run = serializers.BooleanField(default=True)
    on_existing = serializers.ChoiceField(choices=importer.ON_EXISTING, default="error")
    create_sites = serializers.BooleanField(default=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        user = self.context["request"].user
        attrs["customer"] = resolve_customer(user, attrs.get("customer"), "device", "import")
        return attrs


class DeviceGroupSerializer(ScopedSerializer):
    parent = ScopedRelatedField(DeviceGroup, required=False, allow_null=True)  # type: ignore[assignment]
    devices = ScopedRelatedField(Device, many=True, required=False)  # type: ignore[assignment]

    class Meta:
        model = DeviceGroup
        fields = [
            "id",
            "customer",
            "name",
            "description",
            "parent",
            "kind",
            "devices",
            "filter_rules",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]

    def validate_filter_rules(self, value: Any) -> dict:
        try:
            return groups.validate_rules(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc


class DeviceGroupFilter(FilterSet):
    class Meta:
        model = DeviceGroup
        fields = ["customer", "kind", "parent"]


class DeviceGroupViewSet(ScopedModelViewSet):
    queryset = DeviceGroup.objects.prefetch_related("devices")
    serializer_class = DeviceGroupSerializer
    filterset_class = DeviceGroupFilter
    search_fields = ["name", "description"]
    ordering_fields = ["name", "created_at"]
    permission_actions = {"members": "view"}
    create_with_model = False
    create_service = staticmethod(services.create_group)
    update_service = staticmethod(services.update_group)

    @extend_schema(responses=DeviceSerializer(many=True))
    @action(detail=True, methods=["get"])
    def members(self, request: Request, pk: str | None = None) -> Response:
        """The group's devices: static or by rules, plus every nested group's."""
        queryset = DeviceViewSet.queryset.filter(pk__in=groups.member_ids(self.get_object()))
        page = self.paginate_queryset(queryset)
        data = DeviceSerializer(page, many=True, context=self.get_serializer_context()).data
        return self.get_paginated_response(data)


class SSHHostKeySerializer(serializers.ModelSerializer):
    customer = CustomerField(read_only=True)  # type: ignore[assignment]

    class Meta:
        model = SSHHostKey
        fields = [
            "id",
            "customer",
            "device",
            "key_type",
            "public_key",
            "fingerprint_sha256",
            "first_seen_at",
            "last_seen_at",
        ]
        read_only_fields = fields


class SSHHostKeyViewSet(
    ExportMixin,
    CustomerScopedQuerysetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Known device host keys; deleting one lets the next connection learn a new key (TOFU)."""

    queryset = SSHHostKey.objects.select_related("device")
    serializer_class = SSHHostKeySerializer
    filterset_fields = ["customer", "device", "key_type"]
    search_fields = ["device__hostname", "fingerprint_sha256"]
    ordering_fields = ["first_seen_at", "last_seen_at"]

    def perform_destroy(self, instance: SSHHostKey) -> None:
        services.delete_object(self.request.user, instance)
