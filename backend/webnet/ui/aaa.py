"""RADIUS sessions: the online (or past) sessions FreeRADIUS accounts, with each one's last CoA."""

from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery

from webnet.aaa.models import CoaAttempt, RadAcct
from webnet.ui.crud import ScopedListView


class SessionListView(ScopedListView):
    model = RadAcct
    nav = "radius_sessions"
    url_prefix = "radius_session"
    title_plural = "RADIUS sessions"
    template_name = "aaa/sessions.html"
    table_template = "aaa/_session_table.html"

    def rows(self) -> QuerySet:
        last = CoaAttempt.objects.filter(session=OuterRef("pk")).order_by("-created_at", "-id")
        rows = self.queryset("view").annotate(
            last_coa=Subquery(last.values("kind")[:1]),
            last_outcome=Subquery(last.values("outcome")[:1]),
        )
        if self.request.GET.get("state", "online") == "online":
            rows = rows.filter(acctstoptime__isnull=True)
        return rows

    def base_context(self, **extra: Any) -> dict[str, Any]:
        return {
            "nav": self.nav,
            "title_plural": self.title_plural,
            "state": self.request.GET.get("state", "online"),
            **extra,
        }
