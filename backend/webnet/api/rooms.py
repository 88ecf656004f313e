"""Rooms over REST: the rooms a user is in, their messages by seq, posting, editing and
deleting them, members, files.

The list is incidents.rooms.visible_rooms (the gate and membership), so a room the user is not
in answers 404 like one of another customer. Live traffic is the socket (/ws/chat/<id>/); this
is the same data for scripts and for catching up (`messages/?after_seq=N`, then
`changes/?after_seq=N` for the older messages edited or deleted since).
"""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from webnet.api.base import ExportMixin
from webnet.api.fields import CustomerField, resolve_customer
from webnet.api.parsers import BoundedJSONParser
from webnet.api.permissions import CustomerScopedQuerysetMixin
from webnet.core.numbers import parse_int
from webnet.incidents import attachments, chat, rooms
from webnet.incidents.models import Message, Room, RoomKind


class RoomSerializer(serializers.ModelSerializer):
    customer = CustomerField(required=False)
    kind = serializers.ChoiceField(choices=[RoomKind.TEAM, RoomKind.DIRECT])
    member_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1), write_only=True, required=False
    )
    members = serializers.SerializerMethodField()

    class Meta:
        model = Room
        fields = [
            "id",
            "customer",
            "kind",
            "name",
            "created_at",
            "last_seq",
            "members",
            "member_ids",
        ]
        read_only_fields = ["created_at", "last_seq"]

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_members(self, room: Room) -> list[int]:
        """The explicit members' user ids (an incident room also admits its incident's people)."""
        return [member.user_id for member in room.members.all()]


MessageWire = inline_serializer(
    "ChatMessage",
    {
        "id": serializers.IntegerField(),
        "seq": serializers.IntegerField(),
        "kind": serializers.CharField(),
        "author": serializers.CharField(allow_null=True),
        "body": serializers.CharField(),
        "created_at": serializers.DateTimeField(),
        "edited": serializers.BooleanField(),
        "deleted": serializers.BooleanField(),
        # the room's change number of the message's latest edit or delete (0: never changed)
        "change": serializers.IntegerField(),
        "attachments": serializers.ListField(child=serializers.DictField()),
    },
)
# One instance: it binds its child.
MessageList: serializers.ListSerializer = serializers.ListSerializer(child=MessageWire)


class PostSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=rooms.MAX_BODY, required=False, allow_blank=True)
    file = serializers.FileField(required=False)


class EditSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=rooms.MAX_BODY)


class MemberSerializer(serializers.Serializer):
    user = serializers.IntegerField(min_value=1)


SEQ = OpenApiParameter("seq", OpenApiTypes.INT, OpenApiParameter.PATH)
# The edit's body as a plain schema: drf-spectacular makes a PATCH serializer all optional,
# but the new text is required.
EDIT_REQUEST = {
    "application/json": {
        "type": "object",
        "properties": {"body": {"type": "string", "minLength": 1, "maxLength": rooms.MAX_BODY}},
        "required": ["body"],
    }
}


def _field_errors(exc: DjangoValidationError) -> serializers.ValidationError:
    return serializers.ValidationError(
        exc.message_dict if hasattr(exc, "error_dict") else exc.messages
    )


class RoomViewSet(
    ExportMixin,
    CustomerScopedQuerysetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Team channels and direct threads are opened here; incident rooms come with incidents."""

    queryset = Room.objects.prefetch_related("members")
    serializer_class = RoomSerializer
    filterset_fields = ["customer", "kind"]
    search_fields = ["name"]
    parser_classes = [BoundedJSONParser, MultiPartParser, FormParser]
    # Talking and membership are checked by the services (room membership, not only the role).
    permission_actions = {
        "messages": "view",
        "message": "view",
        "changes": "view",
        "members": "view",
    }

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return (
            super()
            .get_queryset()
            .filter(pk__in=rooms.visible_rooms(self.request.user).values("pk"))
        )

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        form = self.get_serializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        customer = resolve_customer(request.user, data.get("customer"), "room")
        try:
            room = rooms.create_room(
                request.user,
                customer,
                kind=data["kind"],
                name=data["name"],
                member_ids=data.get("member_ids", []),
            )
        except DjangoValidationError as exc:
            raise _field_errors(exc) from exc
        return Response(self.get_serializer(room).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        methods=["GET"],
        parameters=[OpenApiParameter("after_seq", OpenApiTypes.INT)],
        responses={200: MessageList},
    )
    @extend_schema(methods=["POST"], request=PostSerializer, responses={201: MessageWire})
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def messages(self, request: Request, pk: str | None = None) -> Response:
        """GET: up to 500 messages after `after_seq`. POST: a message (`body`), or a file
        (multipart `file`, `body` as its caption). In an incident room a body starting with
        `/` is a command: /ack, /assign <user>, /status <status>, /resolve [note]."""
        room = self.get_object()
        if request.method == "GET":
            after = max(parse_int(request.query_params.get("after_seq", "0")) or 0, 0)
            return Response(rooms.messages_after(room, after))
        form = PostSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        body, upload = form.validated_data.get("body", ""), form.validated_data.get("file")
        try:
            message = (
                attachments.attach(request.user, room, upload, body)
                if upload is not None
                else chat.say(request.user, room, body)
            )
        except DjangoValidationError as exc:
            raise _field_errors(exc) from exc
        message = Message.objects.prefetch_related("attachments").get(pk=message.pk)
        return Response(rooms.message_wire(message), status=status.HTTP_201_CREATED)

    @extend_schema(
        methods=["PATCH"],
        parameters=[SEQ],
        request=EDIT_REQUEST,
        responses={200: MessageWire},
    )
    @extend_schema(methods=["DELETE"], parameters=[SEQ], responses={204: None})
    @action(
        detail=True,
        methods=["patch", "delete"],
        url_path=r"messages/(?P<seq>[0-9]+)",
        url_name="message",
    )
    def message(self, request: Request, pk: str | None = None, seq: str | None = None) -> Response:
        """PATCH: the author's new `body`. DELETE: the author, or an admin of the customer,
        deletes it (its body is sent to no one again, kept only in an encrypted revision; its
        seq stays, marked deleted). Either way the room's sockets get an `update`; a member who
        may not answers 403, a seq the room does not have 404."""
        room = self.get_object()
        try:
            message = rooms.message_at(request.user, room, parse_int(seq) or 0)
            if request.method == "DELETE":
                rooms.delete_message(request.user, message)
                return Response(status=status.HTTP_204_NO_CONTENT)
            form = EditSerializer(data=request.data)
            form.is_valid(raise_exception=True)
            message = rooms.edit_message(request.user, message, form.validated_data["body"])
        except Message.DoesNotExist as exc:
            raise NotFound(str(exc)) from exc
        except DjangoValidationError as exc:
            raise _field_errors(exc) from exc
        return Response(rooms.message_wire(message))

    @extend_schema(
        parameters=[
            OpenApiParameter("after_seq", OpenApiTypes.INT),
            OpenApiParameter("above_seq", OpenApiTypes.INT),
        ],
        responses={200: MessageList},
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def changes(self, request: Request, pk: str | None = None) -> Response:
        """Catching up after `after_seq`, the older half: messages up to it edited or deleted
        since, in their current state (`messages/?after_seq=` gives the newer ones); up to 500
        in seq order, the next page from `above_seq` (the last seq of this one)."""
        room = self.get_object()
        after, above = (
            max(parse_int(request.query_params.get(name, "0")) or 0, 0)
            for name in ("after_seq", "above_seq")
        )
        return Response(rooms.changes_after(room, after, above))

    @extend_schema(request=MemberSerializer, responses={204: None})
    @action(detail=True, methods=["post", "delete"])
    def members(self, request: Request, pk: str | None = None) -> Response:
        """POST adds a user of the room's customer; DELETE removes one (their socket is refused at
        its next message)."""
        room = self.get_object()
        form = MemberSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            if request.method == "POST":
                rooms.add_member(request.user, room, form.validated_data["user"])
            else:
                rooms.remove_member(request.user, room, form.validated_data["user"])
        except DjangoValidationError as exc:
            raise _field_errors(exc) from exc
        return Response(status=status.HTTP_204_NO_CONTENT)
