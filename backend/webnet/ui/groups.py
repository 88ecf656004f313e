"""Device group pages: list, create/edit (static or dynamic), members, delete."""

import json
from typing import Any, cast

from django.db.models import Count, Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views import View

from webnet.devices import groups, services
from webnet.devices.models import Device, DeviceGroup, Tag
from webnet.ui.crud import (
    ScopedDeleteView,
    ScopedFormView,
    ScopedListView,
    ScopedMixin,
    paginate,
    scoped,
)
from webnet.ui.forms.groups import DeviceGroupForm


class GroupMixin(ScopedMixin):
    model = DeviceGroup
    nav = "groups"
    url_prefix = "group"
    title_plural = "Device groups"


class GroupListView(GroupMixin, ScopedListView):
    table_template = "groups/_group_table.html"

    def rows(self) -> QuerySet:
        return (
            self.queryset("view")
            .select_related("parent")
            .annotate(static_count=Count("devices"))
            .order_by("name")
        )


class GroupMembersView(GroupMixin, View):
    """Every device in the group, its child groups included, for the active customer."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        group = cast(DeviceGroup, self.get_object(pk))
        members = (
            scoped(request, Device).filter(pk__in=groups.member_ids(group)).select_related("site")
        )
        members = members.prefetch_related(Prefetch("tags", queryset=Tag.objects.order_by("name")))
        page = paginate(request, members.order_by("hostname"))
        context = self.base_context(
            object=group,
            group=group,
            page=page,
            rules_json=json.dumps(group.filter_rules, indent=2),
            children=self.queryset("view").filter(parent=group),
        )
        return render(request, "groups/detail.html", context)


class GroupFormView(GroupMixin, ScopedFormView):
    form_class = DeviceGroupForm
    create_service = staticmethod(services.create_group)
    update_service = staticmethod(services.update_group)

    def success_url(self, obj: Any) -> str:
        return reverse("ui:group_detail", args=[obj.pk])


class GroupDeleteView(GroupMixin, ScopedDeleteView):
    pass
