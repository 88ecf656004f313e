"""Tag pages (operators and admins write)."""

from django.db.models import Count, QuerySet

from webnet.devices import services
from webnet.devices.models import Tag
from webnet.ui.crud import ScopedDeleteView, ScopedFormView, ScopedListView, ScopedMixin
from webnet.ui.forms.devices import TagForm


class TagMixin(ScopedMixin):
    model = Tag
    nav = "tags"
    url_prefix = "tag"
    title_plural = "Tags"


class TagListView(TagMixin, ScopedListView):
    table_template = "tags/_tag_table.html"

    def rows(self) -> QuerySet:
        return self.queryset("view").annotate(device_count=Count("devices")).order_by("name")


class TagFormView(TagMixin, ScopedFormView):
    form_class = TagForm
    create_service = staticmethod(services.create_tag)
    update_service = staticmethod(services.update_tag)


class TagDeleteView(TagMixin, ScopedDeleteView):
    pass
