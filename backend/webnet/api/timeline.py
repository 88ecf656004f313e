"""An incident's timeline (chat, log, alarm events, jobs, notifications) as JSON, or as the
Markdown of the post-incident review (`?file_format=md`, a download)."""

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from webnet.incidents import timeline
from webnet.incidents.models import Incident


class IncidentTimelineView(APIView):
    access_resource = "incident"

    @extend_schema(
        parameters=[OpenApiParameter("file_format", OpenApiTypes.STR, enum=["json", "md"])],
        responses={
            (200, "application/json"): {"type": "array", "items": {"type": "object"}},
            (200, "text/markdown"): OpenApiTypes.STR,
        },
    )
    def get(self, request: Request, pk: int) -> Response | HttpResponse:
        incident = Incident.objects.restrict(request.user, "view").filter(pk=pk).first()
        if incident is None:
            raise NotFound("No incident here.")
        entries = timeline.timeline(request.user, incident)
        if request.query_params.get("file_format") == "md":
            return timeline.review_download(incident, entries)
        return Response([entry.wire() for entry in entries])
