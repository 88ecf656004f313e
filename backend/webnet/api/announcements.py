"""Announcements (banners and status-page notices) and the customer's status page settings."""

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from webnet.api.base import ScopedModelViewSet, ScopedSerializer
from webnet.api.fields import ScopedRelatedField
from webnet.customers.roles import Role
from webnet.locations.models import Region, Site
from webnet.maintenance import announcements, status_page
from webnet.maintenance.markdown import render_markdown
from webnet.maintenance.models import Announcement, AnnouncementUpdate, StatusPage


class AnnouncementUpdateSerializer(serializers.ModelSerializer):
    class Meta:
        model = AnnouncementUpdate
        fields = ["body", "created_at"]
        read_only_fields = fields


class AnnouncementSerializer(ScopedSerializer):
    audience_region = ScopedRelatedField(Region, required=False, allow_null=True)
    audience_site = ScopedRelatedField(Site, required=False, allow_null=True)
    audience_roles = serializers.ListField(
        child=serializers.ChoiceField(choices=Role.choices), required=False, max_length=3
    )
    body_html = serializers.SerializerMethodField()
    status = serializers.SerializerMethodField()
    updates = AnnouncementUpdateSerializer(many=True, read_only=True)

    class Meta:
        model = Announcement
        fields = [
            "id",
            "customer",
            "title",
            "body",
            "body_html",
            "audience_roles",
            "audience_region",
            "audience_site",
            "on_banner",
            "on_status_page",
            "priority",
            "is_draft",
            "publish_at",
            "expire_at",
            "status",
            "source",
            "updates",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["source", "created_at", "updated_at"]

    def get_body_html(self, announcement: Announcement) -> str:
        """The body rendered from Markdown (raw HTML escaped, unsafe links refused)."""
        return render_markdown(announcement.body)

    def get_status(self, announcement: Announcement) -> str:
        """Derived from the times now: draft, scheduled, published or expired."""
        return announcement.status_at(timezone.now())

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        current = self.instance

        def value(name: str) -> Any:
            return attrs.get(name, getattr(current, name, None))

        publish, expire = value("publish_at"), value("expire_at")
        if current is None and publish is None:
            raise serializers.ValidationError({"publish_at": ["This field is required."]})
        if expire is not None and publish is not None and expire <= publish:
            raise serializers.ValidationError({"expire_at": ["Must be after publish_at."]})
        if value("audience_region") is not None and value("audience_site") is not None:
            raise serializers.ValidationError({"audience_site": ["Give a region or a site."]})
        if current is None:
            attrs["created_by"] = self.context["request"].user
        return attrs


class AnnouncementViewSet(ScopedModelViewSet):
    """Notices for the console banner and the status page; status is derived from the times."""

    queryset = Announcement.objects.prefetch_related("updates")
    serializer_class = AnnouncementSerializer
    filterset_fields = ["customer", "status", "on_banner", "on_status_page", "priority"]
    search_fields = ["title", "body"]
    ordering_fields = ["publish_at", "expire_at", "priority"]
    create_with_model = False
    create_service = staticmethod(announcements.create_announcement)
    update_service = staticmethod(announcements.update_announcement)
    delete_service = staticmethod(announcements.delete_announcement)


class StatusPageSerializer(ScopedSerializer):
    has_token = serializers.SerializerMethodField()

    class Meta:
        model = StatusPage
        fields = ["id", "customer", "title", "is_public", "has_token", "updated_at"]
        read_only_fields = ["updated_at"]

    def get_has_token(self, page: StatusPage) -> bool:
        """A token is set (it is stored hashed and shown only when rotated)."""
        return bool(page.token_hash)


class StatusPageViewSet(ScopedModelViewSet):
    """One per customer: public by `is_public`, else read with the token from `rotate_token/`."""

    queryset = StatusPage.objects.order_by("pk")
    serializer_class = StatusPageSerializer
    filterset_fields = ["customer"]
    ordering_fields = ["updated_at"]
    permission_actions = {"rotate_token": "rotate_token", "revoke_token": "rotate_token"}
    create_with_model = False
    create_service = staticmethod(status_page.create_page)
    update_service = staticmethod(status_page.update_page)
    delete_service = staticmethod(status_page.delete_page)

    @extend_schema(
        request=None,
        responses=inline_serializer("StatusPageToken", {"token": serializers.CharField()}),
    )
    @action(detail=True, methods=["post"])
    def rotate_token(self, request: Request, pk: str | None = None) -> Response:
        """A new token, shown once; the previous one stops working."""
        return Response({"token": status_page.rotate_token(request.user, self.get_object())})

    @extend_schema(request=None, responses=StatusPageSerializer)
    @action(detail=True, methods=["post"])
    def revoke_token(self, request: Request, pk: str | None = None) -> Response:
        page = self.get_object()
        status_page.revoke_token(request.user, page)
        return Response(self.get_serializer(page).data)
