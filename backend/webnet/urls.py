"""Top-level routes: UI, API v1, schema and docs, health and metrics."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from webnet.core.health import health_view
from webnet.core.metrics import metrics_view

urlpatterns = [
    path("api/v1/", include("webnet.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("health/", health_view, name="health"),
    path("metrics", metrics_view, name="metrics"),
    path("", include("webnet.ui.urls")),
]
