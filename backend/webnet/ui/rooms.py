"""Room pages: the rooms the user is in (with unread counts), a room live over its socket, a
team channel opened by hand, members removed, files posted and the members-only download."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from webnet.core import access
from webnet.core.numbers import parse_int
from webnet.customers.models import Membership
from webnet.incidents import attachments, rooms, timeline
from webnet.incidents.models import Incident, RoomKind
from webnet.incidents.thumbnails import THUMBNAIL_TYPE
from webnet.ui.crud import active_customer, scoped
from webnet.ui.errors import get_or_404

HISTORY = 200


def _rooms(request: HttpRequest):  # type: ignore[no-untyped-def]
    return rooms.visible_rooms(request.user).for_customer(active_customer(request).pk)


def _errors(exc: ValidationError) -> str:
    return " ".join(m for ms in exc.message_dict.values() for m in ms)


@login_required
def room_list(request: HttpRequest) -> HttpResponse:
    customer = active_customer(request)
    listed = list(_rooms(request))
    unread = rooms.unread_counts(request.user, listed)
    context = {
        "nav": "rooms",
        "rooms": [(room, unread[room.pk]) for room in listed],
        "can_open": access.can(request.user, "room", "add", customer.pk),
        # Whom a channel may include: the customer's people, listed to those who may open one.
        "people": Membership.objects.restrict(request.user, "add", resource="room")
        .for_customer(customer.pk)
        .exclude(user=request.user)
        .select_related("user")
        .order_by("user__username"),
    }
    return render(request, "rooms/list.html", context)


@login_required
@require_POST
def room_create(request: HttpRequest) -> HttpResponse:
    customer = active_customer(request)
    member_ids = [pk for pk in map(parse_int, request.POST.getlist("members")) if pk]
    try:
        room = rooms.create_room(
            request.user,
            customer,
            kind=RoomKind.TEAM,
            name=request.POST.get("name", "") or "channel",
            member_ids=member_ids,
        )
    except ValidationError as exc:
        messages.error(request, _errors(exc))
        return HttpResponseRedirect(reverse("ui:room_list"))
    return HttpResponseRedirect(reverse("ui:room_detail", args=[room.pk]))


@login_required
def room_detail(request: HttpRequest, pk: int) -> HttpResponse:
    room = get_or_404(request, _rooms(request), pk)
    history = rooms.messages_after(room, max(room.last_seq - HISTORY, 0), HISTORY)
    context = {
        "nav": "rooms",
        "room": room,
        "history": history,
        "last_seq": history[-1]["seq"] if history else room.last_seq,
        "members": room.members.select_related("user").order_by("user__username"),
        "can_manage": access.can(request.user, "roommember", "delete", room.customer_id),
        "can_moderate": access.can(request.user, "message", "moderate", room.customer_id),
        "is_incident": room.kind == RoomKind.INCIDENT,
    }
    return render(request, "rooms/detail.html", context)


@login_required
@require_POST
def room_remove_member(request: HttpRequest, pk: int) -> HttpResponse:
    room = get_or_404(request, _rooms(request), pk)
    rooms.remove_member(request.user, room, parse_int(request.POST.get("user", "")) or 0)
    return HttpResponseRedirect(reverse("ui:room_detail", args=[room.pk]))


@login_required
@require_POST
def room_upload(request: HttpRequest, pk: int) -> HttpResponse:
    room = get_or_404(request, _rooms(request), pk)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "Choose a file to attach.")
    else:
        try:
            attachments.attach(request.user, room, upload, request.POST.get("body", ""))
        except ValidationError as exc:
            messages.error(request, _errors(exc))
    return HttpResponseRedirect(reverse("ui:room_detail", args=[room.pk]))


def _serve(request: HttpRequest, pk: int, *, thumbnail: bool) -> FileResponse:
    """An attachment's file or thumbnail, to members only (404 for anyone else and for a file
    gone from the store); images inline, everything else as a download, sandboxed either way."""
    attachment = attachments.attachment_for(request.user, pk)
    if attachment is None:
        raise Http404("No attachment here.")
    stored = attachment.thumbnail if thumbnail else attachment.file
    if not stored:  # a file that is not an image has no thumbnail
        raise Http404("No attachment here.")
    try:
        handle = stored.open("rb")
    except (FileNotFoundError, PermissionDenied) as exc:
        raise Http404("No attachment here.") from exc
    content_type = THUMBNAIL_TYPE if thumbnail else attachment.content_type
    response = FileResponse(
        handle,
        content_type=content_type,
        as_attachment=not content_type.startswith("image/"),
        filename=attachment.name,
    )
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    return _serve(request, pk, thumbnail=False)


@login_required
def attachment_thumbnail(request: HttpRequest, pk: int) -> FileResponse:
    return _serve(request, pk, thumbnail=True)


@login_required
def incident_room(request: HttpRequest, pk: int) -> HttpResponse:
    """The incident's room (made on first use) for its people; 404 for anyone else."""
    incident = get_or_404(request, scoped(request, Incident), pk)
    room = rooms.incident_room(incident)
    if rooms.room_for(request.user, room.pk) is None:
        raise Http404("You are not one of this incident's people.")
    return HttpResponseRedirect(reverse("ui:room_detail", args=[room.pk]))


@login_required
def incident_timeline(request: HttpRequest, pk: int) -> HttpResponse:
    """Chat, log, alarm events, jobs and notifications in time order; `?download=md` for the
    post-incident review."""
    incident = get_or_404(request, scoped(request, Incident), pk)
    entries = timeline.timeline(request.user, incident)
    if request.GET.get("download") == "md":
        return timeline.review_download(incident, entries)
    context = {"nav": "incidents", "incident": incident, "entries": entries}
    return render(request, "rooms/timeline.html", context)
