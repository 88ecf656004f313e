"""The common shape of a revocable-token resource (calendar feeds, inbound webhooks): list and
read without the secret, create shows it once, `revoke/` ends it; there is no update or delete,
so what a token did stays attributable."""

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from webnet.api.base import ExportMixin
from webnet.api.fields import CustomerField, resolve_customer
from webnet.api.permissions import CustomerScopedQuerysetMixin
from webnet.core import tokens


class RevocableTokenSerializer(serializers.ModelSerializer):
    """Subclasses set `Meta.model` (and inherit the rest of Meta)."""

    customer = CustomerField(required=False)

    class Meta:
        fields = ["id", "customer", "name", "prefix", "created_at", "revoked_at", "last_used_at"]
        read_only_fields = ["prefix", "created_at", "revoked_at", "last_used_at"]


class RevocableTokenViewSet(
    ExportMixin,
    CustomerScopedQuerysetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    filterset_fields = ["customer"]
    permission_actions = {"revoke": "revoke"}

    def shown_once(self, raw: str) -> dict[str, str]:
        """What the creation response adds to the row; never stored, never shown again."""
        return {"token": raw}

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        form = self.get_serializer(data=request.data)
        form.is_valid(raise_exception=True)
        model = self.get_queryset().model
        customer = resolve_customer(
            request.user, form.validated_data.get("customer"), model._meta.model_name
        )
        token, raw = tokens.issue(model, request.user, customer, form.validated_data["name"])
        body = {**self.get_serializer(token).data, **self.shown_once(raw)}
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def revoke(self, request: Request, pk: str | None = None) -> Response:
        token = tokens.revoke(request.user, self.get_object())
        return Response(self.get_serializer(token).data)
