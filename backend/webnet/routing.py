"""WebSocket routes."""

from django.urls import path

from webnet.api.chat_consumer import ChatConsumer
from webnet.api.consumers import JobLogsConsumer, UpdatesConsumer
from webnet.api.ssh_consumer import SSHConsumer

websocket_urlpatterns = [
    path("ws/jobs/<int:job_id>/", JobLogsConsumer.as_asgi()),
    path("ws/updates/", UpdatesConsumer.as_asgi()),
    path("ws/devices/<int:device_id>/ssh/", SSHConsumer.as_asgi()),
    path("ws/chat/<int:room_id>/", ChatConsumer.as_asgi()),
]
