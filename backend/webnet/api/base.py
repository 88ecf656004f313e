"""The common shape of a tenant-scoped API resource: gate, services, audit, filters, export.

A concrete viewset names its queryset, serializer, filters and the domain service functions to
call; writes never go through `serializer.save()` so every write is the audited service call.
"""

import copy
import csv
import io
import json
from collections.abc import Callable, Iterator
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request

from webnet.api.fields import CustomerField, resolve_customer
from webnet.api.permissions import CustomerScopedQuerysetMixin, view_resource
from webnet.core import changes
from webnet.core.spreadsheet import escape_cell

EXPORT_BATCH = 500


class ScopedSerializer(serializers.ModelSerializer):
    """Owns the customer rule: chosen on create (checked against the user), fixed afterwards.

    Every related object must belong to that same customer.
    """

    customer = CustomerField(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        request = self.context["request"]
        if self.instance is None:
            resource = view_resource(self.context["view"])
            customer = resolve_customer(request.user, attrs.get("customer"), resource or None)
            attrs["customer"] = customer
        else:
            attrs.pop("customer", None)
            customer = self.instance.customer
        self._check_same_customer(attrs, customer.pk)
        self._check_unique(attrs, customer)
        return attrs

    def get_validators(self) -> list:
        # DRF's unique-together validators would demand `customer` in the payload; the
        # per-customer uniqueness is checked in `_check_unique` once the customer is known.
        return []

    def _check_unique(self, attrs: dict[str, Any], customer: Any) -> None:
        model: Any = self.Meta.model
        m2m = {field.name for field in model._meta.many_to_many}
        candidate = copy.copy(self.instance) if self.instance is not None else model()
        candidate.customer = customer
        for name, value in attrs.items():
            if name not in m2m:
                setattr(candidate, name, value)
        try:
            candidate.validate_constraints()
        except DjangoValidationError as exc:
            raise serializers.ValidationError(
                {self._unique_field(model): [m for ms in exc.message_dict.values() for m in ms]}
            ) from exc

    @staticmethod
    def _unique_field(model: Any) -> str:
        """The field a per-customer uniqueness error belongs to (e.g. `hostname`)."""
        for constraint in model._meta.constraints:
            names = [n for n in getattr(constraint, "fields", ()) if n != "customer"]
            if names:
                return names[0]
        return "non_field_errors"

    def _check_same_customer(self, attrs: dict[str, Any], customer_id: int) -> None:
        errors: dict[str, list[str]] = {}
        for name, value in attrs.items():
            related = value if isinstance(value, list | tuple) else [value]
            for item in related:
                owner = getattr(item, "customer_id", None)
                if name != "customer" and owner is not None and owner != customer_id:
                    errors[name] = [f"Object {item.pk} belongs to another customer."]
        if errors:
            raise serializers.ValidationError(errors)


def _cell(value: Any) -> str:
    """A CSV cell: lists joined by `;`, dicts as JSON, never a spreadsheet formula."""
    return escape_cell(_flatten(value))


def _flatten(value: Any) -> str:
    if isinstance(value, list):
        return ";".join(_flatten(item) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True)
    return "" if value is None else str(value)


class ExportMixin(generics.GenericAPIView):
    """`<list>/export/?file_format=csv|json`: the whole filtered list, streamed.

    Rows are the list's serializer output, or `export_row(obj)` where a resource sets it (a
    format another endpoint reads back, e.g. the device import)."""

    export_row: Callable[[Any], dict[str, Any]] | None = None

    @extend_schema(
        parameters=[OpenApiParameter("file_format", OpenApiTypes.STR, enum=["csv", "json"])],
        responses={
            (200, "text/csv"): OpenApiTypes.BINARY,
            (200, "application/json"): {"type": "array", "items": {"type": "object"}},
        },
    )
    @action(detail=False, methods=["get"], url_path="export")
    def export(self, request: Request) -> StreamingHttpResponse:
        """Every row matching the list's filters, as CSV or JSON (not paginated)."""
        file_format = request.query_params.get("file_format", "csv")
        if file_format not in ("csv", "json"):
            raise serializers.ValidationError({"file_format": ["Choose csv or json."]})
        queryset = self.filter_queryset(self.get_queryset())
        name = self.get_queryset().model._meta.model_name
        rows = self._export_rows(queryset)
        body = self._csv(rows) if file_format == "csv" else self._json(rows)
        response = StreamingHttpResponse(
            body, content_type="text/csv" if file_format == "csv" else "application/json"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}s.{file_format}"'
        return response

    def _export_rows(self, queryset: Any) -> Iterator[dict[str, Any]]:
        serializer_class = self.get_serializer_class()
        for start in range(0, queryset.count(), EXPORT_BATCH):
            batch = queryset[start : start + EXPORT_BATCH]
            if self.export_row is not None:
                yield from (self.export_row(obj) for obj in batch)
                continue
            yield from serializer_class(
                batch, many=True, context=self.get_serializer_context()
            ).data

    @staticmethod
    def _csv(rows: Iterator[dict[str, Any]]) -> Iterator[str]:
        buffer = io.StringIO()
        writer: csv.DictWriter | None = None
        for row in rows:
            if writer is None:
                writer = csv.DictWriter(buffer, fieldnames=list(row))
                writer.writeheader()
            writer.writerow({key: _cell(value) for key, value in row.items()})
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()

    @staticmethod
    def _json(rows: Iterator[dict[str, Any]]) -> Iterator[str]:
        yield "["
        for index, row in enumerate(rows):
            yield ("," if index else "") + json.dumps(row, default=str)
        yield "]"


class ScopedModelViewSet(ExportMixin, CustomerScopedQuerysetMixin, viewsets.ModelViewSet):
    create_service: Callable[..., Any] = staticmethod(changes.create)  # (actor, model, data)
    update_service: Callable[..., Any] = staticmethod(changes.update)  # (actor, obj, data)
    delete_service: Callable[..., Any] = staticmethod(changes.delete)  # (actor, obj)
    create_with_model = True

    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        data = dict(serializer.validated_data)
        if self.create_with_model:
            serializer.instance = self.create_service(
                self.request.user, self.get_queryset().model, data
            )
        else:
            serializer.instance = self.create_service(self.request.user, data)

    def perform_update(self, serializer: serializers.BaseSerializer) -> None:
        serializer.instance = self.update_service(
            self.request.user, serializer.instance, dict(serializer.validated_data)
        )

    def perform_destroy(self, instance: Any) -> None:
        self.delete_service(self.request.user, instance)
