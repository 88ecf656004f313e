"""WebSocket routes."""

from django.urls import path

from webnet.api.consumers import JobLogsConsumer, UpdatesConsumer

websocket_urlpatterns = [
    path("ws/jobs/<int:job_id>/", JobLogsConsumer.as_asgi()),
    path("ws/updates/", UpdatesConsumer.as_asgi()),
]
