"""Top-level routes: UI, API v1, schema and docs, health and metrics."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from webnet.core.health import health_view
from webnet.core.metrics import metrics_view

# Swagger UI from our static files; the split view serves its start-up script (no inline script).
swagger_view = SpectacularSwaggerSplitView.as_view(url_name="schema")

handler404 = "webnet.ui.errors.not_found"

urlpatterns = [
    path("api/v1/", include("webnet.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", swagger_view, name="api-docs"),
    path("health/", health_view, name="health"),
    path("metrics", metrics_view, name="metrics"),
    path("", include("webnet.ui.urls")),
]
