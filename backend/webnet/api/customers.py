"""Customers, memberships and invitations."""

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from webnet.api.base import ScopedModelViewSet, ScopedSerializer
from webnet.api.fields import CustomerField, ScopedRelatedField
from webnet.api.filters import FilterSet
from webnet.api.locations import ScopeField
from webnet.customers import services
from webnet.customers.models import Customer, Invitation, Membership, Role
from webnet.locations.within import scope_fields
from webnet.users.models import User


class CustomerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Customer
        fields = [
            "id",
            "name",
            "slug",
            "description",
            "is_active",
            "host_key_policy",
            "require_admin_totp",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]


class CustomerViewSet(ScopedModelViewSet):
    queryset = Customer.objects.all()
    serializer_class = CustomerSerializer
    filterset_fields = ["is_active", "slug"]
    search_fields = ["name", "slug", "description"]
    ordering_fields = ["name", "created_at"]
    create_with_model = False
    create_service = staticmethod(services.create_customer)
    update_service = staticmethod(services.update_customer)
    delete_service = staticmethod(services.delete_customer)


class VisibleUserField(ScopedRelatedField):
    """Users the caller already sees (members of customers they administer; staff: everyone).

    Anyone else, existing or not, is "not found": a customer's admin invites them instead.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(User, **kwargs)

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return super().get_queryset().distinct()


class MembershipSerializer(ScopedSerializer):
    customer = CustomerField(required=False)
    user = VisibleUserField(help_text="A user you can see; invite anyone else.")
    username = serializers.CharField(source="user.username", read_only=True)
    scope = ScopeField(
        required=False,
        allow_null=True,
        help_text="Limit the member to a location subtree: region:<id>, site:<id> or "
        "location:<id> (null: the whole customer).",
    )

    class Meta:
        model = Membership
        fields = ["id", "customer", "user", "username", "role", "scope", "created_at"]
        read_only_fields = ["created_at"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        scoped = "scope" in attrs
        scope = attrs.pop("scope", None)
        attrs = super().validate(attrs)
        if scoped:
            customer = self.instance.customer if self.instance else attrs["customer"]
            user = self.context["request"].user
            attrs.update(scope_fields(user, customer.pk, scope))
        if self.instance is not None:
            attrs.pop("user", None)  # a membership moves role, never user
        elif (
            Membership.objects.for_customer(attrs["customer"].pk)
            .filter(user=attrs["user"])
            .exists()
        ):
            raise serializers.ValidationError({"user": ["Already a member of this customer."]})
        return attrs


class MembershipFilter(FilterSet):
    class Meta:
        model = Membership
        fields = ["customer", "user", "role"]


class MembershipViewSet(ScopedModelViewSet):
    queryset = Membership.objects.select_related("user", "customer")
    serializer_class = MembershipSerializer
    filterset_class = MembershipFilter
    search_fields = ["user__username", "user__email"]
    ordering_fields = ["created_at", "role"]
    create_with_model = False
    create_service = staticmethod(services.create_membership)
    update_service = staticmethod(services.update_membership)
    delete_service = staticmethod(services.revoke_membership)


class InvitationSerializer(ScopedSerializer):
    """Never says whom an invitation resolved to: the inviting side sees what it typed."""

    customer_name = serializers.CharField(source="customer.name", read_only=True)
    invited_by = serializers.CharField(source="invited_by.username", read_only=True, default=None)

    class Meta:
        model = Invitation
        fields = [
            "id",
            "customer",
            "customer_name",
            "invitee",
            "role",
            "status",
            "invited_by",
            "created_at",
            "answered_at",
        ]
        read_only_fields = ["status", "created_at", "answered_at"]


class InvitationViewSet(ScopedModelViewSet):
    """Invite a user (by username or email) to a customer you administer: the answer is the same
    whether or not the user exists. The invited user lists, accepts and declines their own."""

    queryset = Invitation.objects.select_related("customer", "invited_by")
    serializer_class = InvitationSerializer
    filterset_fields = ["customer", "status", "role"]
    search_fields = ["invitee"]
    ordering_fields = ["created_at"]
    http_method_names = ["get", "post", "delete", "head", "options"]
    permission_actions = {"accept": "view", "decline": "view"}
    create_with_model = False
    delete_service = staticmethod(services.revoke_invitation)

    def get_queryset(self):  # type: ignore[no-untyped-def]
        invitations = services.invitations_for(self.request.user)
        return invitations.select_related("customer", "invited_by")

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        data = serializer.validated_data
        serializer.instance = services.invite(
            self.request.user,
            customer=data["customer"],
            invitee=data["invitee"],
            role=data.get("role", Role.VIEWER),
        )

    @extend_schema(request=None, responses=InvitationSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str | None = None) -> Response:
        """Accept an invitation addressed to you: you get its role in its customer."""
        invitation = self.get_object()
        services.accept_invitation(request.user, invitation)
        return Response(self.get_serializer(invitation).data)

    @extend_schema(request=None, responses=InvitationSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk: str | None = None) -> Response:
        invitation = self.get_object()
        services.decline_invitation(request.user, invitation)
        return Response(self.get_serializer(invitation).data)
