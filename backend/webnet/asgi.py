"""ASGI entry point: HTTP through Django, WebSockets through Channels (see routing.py)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webnet.settings")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402  (needs Django set up)
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from webnet.jobs import embedded as jobs_embedded  # noqa: E402
from webnet.jobs.embedded import EmbeddedJobsMiddleware  # noqa: E402
from webnet.notifications import embedded as notifications_embedded  # noqa: E402
from webnet.routing import websocket_urlpatterns  # noqa: E402

application = EmbeddedJobsMiddleware(
    ProtocolTypeRouter(
        {
            "http": django_asgi_app,
            "websocket": AllowedHostsOriginValidator(
                AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
            ),
        }
    )
)


def start_embedded() -> None:
    """`manage.py serve` starts the in-process engines with the server (no-ops when scaled).

    The delivery loop starts only here, not on a first connection: it sends mail and webhooks,
    which a test's or a tool's ASGI application should not do behind its back."""
    jobs_embedded.start()
    notifications_embedded.start()
