"""Users (visible to admins of a shared customer) and the caller's own API tokens."""

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from webnet.api.base import ExportMixin, ScopedModelViewSet
from webnet.api.fields import CustomerField
from webnet.core import access
from webnet.customers.models import Membership, Role
from webnet.users import services
from webnet.users.models import TOKEN_PREFIX, APIToken, User


class MembershipBriefSerializer(serializers.ModelSerializer):
    customer_name = serializers.CharField(source="customer.name", read_only=True)

    class Meta:
        model = Membership
        fields = ["customer", "customer_name", "role"]


class UserSerializer(serializers.ModelSerializer):
    password = serializers.CharField(
        write_only=True, required=False, style={"input_type": "password"}
    )
    customer = CustomerField(
        write_only=True, required=False, help_text="Customer to add the new user to (create only)."
    )
    role = serializers.ChoiceField(choices=Role.choices, write_only=True, required=False)

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "email",
            "first_name",
            "last_name",
            "is_active",
            "is_superuser",
            "date_joined",
            "last_login",
            "password",
            "customer",
            "role",
        ]
        read_only_fields = ["is_superuser", "date_joined", "last_login"]

    def validate_password(self, value: str) -> str:
        try:
            validate_password(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(list(exc.messages)) from exc
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        user = self.context["request"].user
        if self.instance is None:
            customer = attrs.get("customer")
            if not access.is_staff(user):
                if customer is None:
                    raise serializers.ValidationError({"customer": ["This field is required."]})
                if not access.can(user, "user", "add", customer.pk):
                    raise PermissionDenied("Only an admin of this customer may add users to it.")
            if customer is not None and not attrs.get("role"):
                attrs["role"] = Role.VIEWER
            attrs.pop("is_active", None)  # new users start active
        else:
            for name in ("customer", "role", "password"):
                attrs.pop(name, None)
        return attrs


class UserViewSet(ScopedModelViewSet):
    """Users who belong to a customer you administer (staff: everyone)."""

    queryset = User.objects.all()
    serializer_class = UserSerializer
    customer_field = "memberships__customer"
    filterset_fields = ["is_active", "is_superuser"]
    search_fields = ["username", "email", "first_name", "last_name"]
    ordering_fields = ["username", "date_joined", "last_login"]
    permission_actions = {"me": "view"}
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return super().get_queryset().distinct()

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        serializer.instance = services.create_user(self.request.user, **serializer.validated_data)

    def perform_update(self, serializer: serializers.BaseSerializer) -> None:
        serializer.instance = services.update_user(
            self.request.user, self.get_object(), dict(serializer.validated_data)
        )

    @extend_schema(responses=UserSerializer)
    @action(detail=False, methods=["get"])
    def me(self, request: Request) -> Response:
        """The caller, with their memberships."""
        data = UserSerializer(request.user, context=self.get_serializer_context()).data
        # Only the customers the caller can see now: a customer-bound token shows just its own.
        memberships = (
            Membership.objects.filter(user=request.user)
            .restrict(request.user, "view", resource="customer")
            .select_related("customer")
        )
        data["memberships"] = MembershipBriefSerializer(memberships, many=True).data
        return Response(data)


class APITokenSerializer(serializers.ModelSerializer):
    customer = CustomerField(
        required=False,
        allow_null=True,
        help_text="Limit the token to one customer (empty: all yours).",
    )
    prefix = serializers.SerializerMethodField()
    token = serializers.SerializerMethodField(help_text="The token; shown in this response only.")

    class Meta:
        model = APIToken
        fields = [
            "id",
            "name",
            "prefix",
            "customer",
            "read_only",
            "expires_at",
            "last_used_at",
            "revoked_at",
            "created_at",
            "token",
        ]
        read_only_fields = ["last_used_at", "revoked_at", "created_at"]

    def get_prefix(self, obj: APIToken) -> str:
        return f"{TOKEN_PREFIX}{obj.key_id}"

    def get_token(self, obj: APIToken) -> str | None:
        return self.context.get("raw_token")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        caller = getattr(self.context["request"].user, "api_token", None)
        if caller is not None:
            # A narrowed token may only mint tokens at most as narrow as itself.
            if caller.read_only:
                raise PermissionDenied("A read-only token cannot create tokens.")
            if caller.customer_id and (
                attrs.get("customer") is None or attrs["customer"].pk != caller.customer_id
            ):
                raise serializers.ValidationError(
                    {"customer": ["Must be the customer this token is limited to."]}
                )
        return attrs


class APITokenViewSet(
    ExportMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Your own API tokens. DELETE revokes (the record stays for the audit trail)."""

    access_resource = None
    queryset = APIToken.objects.select_related("customer")
    serializer_class = APITokenSerializer
    filterset_fields = ["read_only", "customer"]
    search_fields = ["name", "key_id"]
    ordering_fields = ["created_at", "last_used_at", "expires_at"]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return services.tokens_of(self.request.user).select_related("customer")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        caller = getattr(request.user, "api_token", None)
        if caller is not None and caller.read_only:
            raise PermissionDenied("A read-only token cannot create tokens.")
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user: Any = request.user
        token, raw = services.create_token(user, user=user, **serializer.validated_data)
        context = {**self.get_serializer_context(), "raw_token": raw}
        return Response(APITokenSerializer(token, context=context).data, status=201)

    def perform_destroy(self, instance: APIToken) -> None:
        caller = getattr(self.request.user, "api_token", None)
        if caller is not None and caller.read_only:
            raise PermissionDenied("A read-only token cannot revoke tokens.")
        services.revoke_token(self.request.user, instance)
