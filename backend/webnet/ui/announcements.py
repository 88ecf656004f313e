"""Announcement pages (operators write) and the customer's public status page (no login)."""

from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from webnet.maintenance import announcements, status_page
from webnet.maintenance.models import Announcement
from webnet.ui.crud import ScopedFormView, ScopedListView, ScopedMixin
from webnet.ui.forms.announcements import AnnouncementForm


class AnnouncementMixin(ScopedMixin):
    model = Announcement
    nav = "announcements"
    url_prefix = "announcement"
    title_plural = "Announcements"


class AnnouncementListView(AnnouncementMixin, ScopedListView):
    table_template = "maintenance/_announcement_table.html"

    def rows(self) -> QuerySet:
        return self.queryset("view").order_by("-publish_at", "-id")

    def extra_context(self) -> dict[str, Any]:
        now = timezone.now()
        return {"rows": [(a, a.status_at(now)) for a in self.page]}


class AnnouncementFormView(AnnouncementMixin, ScopedFormView):
    form_class = AnnouncementForm
    create_service = staticmethod(announcements.create_announcement)
    update_service = staticmethod(announcements.update_announcement)


def public_status_page(request: HttpRequest, slug: str) -> HttpResponse:
    """Anyone, if the page is public; else only with its token (`?token=`). Otherwise 404."""
    page = status_page.find_page(slug, request.GET.get("token", ""))
    if page is None:
        raise Http404("No such status page.")
    data = status_page.content(page.customer)
    response = render(request, "maintenance/status_page.html", {"page": page, **data})
    response["Cache-Control"] = "no-store" if not page.is_public else "public, max-age=30"
    response["Referrer-Policy"] = "no-referrer"  # the token must not leak to linked sites
    return response
