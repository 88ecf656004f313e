"""Freeze windows (no changes in the customer, or in one location subtree, while open): list,
create, edit, delete — the customer admin's (core/access.py), read-only for everyone else."""

from typing import Any

from django.db.models import QuerySet

from webnet.maintenance import services
from webnet.maintenance.models import FreezeWindow
from webnet.ui.crud import ScopedDeleteView, ScopedFormView, ScopedListView, ScopedMixin
from webnet.ui.forms.base import ScopedModelForm
from webnet.ui.forms.freezes import FreezeWindowForm


class FreezeMixin(ScopedMixin):
    model = FreezeWindow
    nav = "freezes"
    url_prefix = "freeze"
    title_plural = "Freeze windows"

    def noun(self) -> str:
        return "Freeze window"


class FreezeListView(FreezeMixin, ScopedListView):
    table_template = "maintenance/_freeze_table.html"

    def rows(self) -> QuerySet:
        return (
            self.queryset("view")
            .select_related("region", "site", "location")
            .order_by("-starts_at", "-id")
        )


class FreezeFormView(FreezeMixin, ScopedFormView):
    form_class = FreezeWindowForm

    def save(self, form: ScopedModelForm, obj: Any) -> Any:
        data = form.service_data()
        if obj is None:
            data["customer"] = form.customer
            data["created_by"] = self.request.user
        return services.save_timed(self.request.user, FreezeWindow, data, obj)


class FreezeDeleteView(FreezeMixin, ScopedDeleteView):
    pass
