"""Customers and memberships."""

from typing import Any

from rest_framework import serializers

from webnet.api.base import ScopedModelViewSet, ScopedSerializer
from webnet.api.fields import CustomerField
from webnet.api.filters import FilterSet
from webnet.customers import services
from webnet.customers.models import Customer, Membership
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


class MembershipSerializer(ScopedSerializer):
    customer = CustomerField(required=False)
    user = serializers.PrimaryKeyRelatedField(queryset=User.objects.all())
    username = serializers.CharField(source="user.username", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "customer", "user", "username", "role", "created_at"]
        read_only_fields = ["created_at"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
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
    update_service = staticmethod(services.update_membership)
    delete_service = staticmethod(services.revoke_membership)
