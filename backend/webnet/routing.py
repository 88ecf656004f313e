"""WebSocket routes (job logs, live updates and the SSH terminal arrive with the job engine)."""

from django.urls import URLPattern

websocket_urlpatterns: list[URLPattern] = []
