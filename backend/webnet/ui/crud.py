"""A small generic CRUD base for customer-scoped UI pages.

Why: credentials, tags, groups and devices share the same shape — read through the one gate
(`restrict(user, action)` narrowed to the active customer), check the role before showing and on
POST (403), write only through an audited service, and answer 404 for anything outside the active
customer. Keeping that in one place means a page cannot forget a step.
"""

import copy
from collections.abc import Callable
from typing import Any, ClassVar

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db import IntegrityError, models
from django.db.models import ProtectedError, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views import View

from webnet.core import access
from webnet.core.querysets import resource_of
from webnet.customers.models import Customer
from webnet.devices import services as device_services
from webnet.ui.errors import get_or_404
from webnet.ui.forms.base import ScopedModelForm

PAGE_SIZE = 25


def active_customer(request: HttpRequest) -> Customer:
    """The customer the page works in; a user without any customer may not use scoped pages."""
    customer = getattr(request, "customer", None)
    if customer is None:
        raise PermissionDenied("You are not a member of any active customer.")
    return customer


def require(request: HttpRequest, resource: str, action: str) -> None:
    """403 unless the user's role in the active customer allows `action` on `resource`."""
    customer = active_customer(request)
    access.require(request.user, resource, action, customer.pk)


def scoped(request: HttpRequest, model: type[models.Model], action: str = "view") -> QuerySet:
    """The gate, narrowed to the active customer: the only way UI pages read tenant data."""
    customer = active_customer(request)
    return model.objects.restrict(request.user, action).for_customer(customer.pk)  # type: ignore[attr-defined]


def paginate(request: HttpRequest, queryset: QuerySet | list, per_page: int = PAGE_SIZE) -> Page:
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def querystring_without_page(request: HttpRequest) -> str:
    """The current filters as a query string, for pagination and export links."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def apply_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Show a service's ValidationError inline: on its field when the form has it, else on top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


class ScopedMixin(LoginRequiredMixin):
    """Shared by every scoped page: the model, its gate resource and its URL names."""

    model: ClassVar[type[models.Model]]
    nav: ClassVar[str] = ""
    url_prefix: ClassVar[str] = ""  # e.g. "device" → ui:device_list, ui:device_edit ...
    title_plural: ClassVar[str] = ""
    request: HttpRequest

    @property
    def resource(self) -> str:
        return resource_of(self.model)

    def noun(self) -> str:
        return str(self.model._meta.verbose_name).capitalize()

    def queryset(self, action: str = "view") -> QuerySet:
        return scoped(self.request, self.model, action)

    def get_object(self, pk: int) -> models.Model:
        """Visible in the active customer or 404 — never 403, so there is no existence oracle."""
        return get_or_404(self.request, self.queryset("view"), pk)

    def permissions(self) -> dict[str, bool]:
        customer = active_customer(self.request)
        return {
            f"can_{action}": access.can(self.request.user, self.resource, action, customer.pk)
            for action in ("add", "change", "delete")
            if action in access.TABLE[self.resource]
        }

    def base_context(self, **extra: Any) -> dict[str, Any]:
        return {
            "nav": self.nav,
            "url_prefix": self.url_prefix,
            "list_url": reverse(f"ui:{self.url_prefix}_list"),
            "create_url": reverse(f"ui:{self.url_prefix}_create"),
            "title_plural": self.title_plural,
            "verbose_name": self.model._meta.verbose_name,
            **self.permissions(),
            **extra,
        }


class ScopedListView(ScopedMixin, View):
    """A paginated list; `table_template` renders the rows (also swapped alone by HTMX)."""

    template_name: ClassVar[str] = "ui/list.html"
    table_template: ClassVar[str] = ""
    page: Page

    def rows(self) -> QuerySet:
        return self.queryset("view")

    def extra_context(self) -> dict[str, Any]:
        """More context; `self.page` (the current page) is set by then."""
        return {}

    def get(self, request: HttpRequest) -> HttpResponse:
        page = self.page = paginate(request, self.rows())
        context = self.base_context(
            page=page,
            object_list=page.object_list,
            table_template=self.table_template,
            querystring=querystring_without_page(request),
            **self.extra_context(),
        )
        htmx = getattr(request, "htmx", None)
        partial = bool(htmx) and not htmx.history_restore_request  # type: ignore[union-attr]
        response = render(request, self.table_template if partial else self.template_name, context)
        patch_vary_headers(response, ["HX-Request"])
        return response


class ScopedFormView(ScopedMixin, View):
    """Create (no pk) or edit (pk) through a service; validation and service errors show inline.

    The form class takes `customer` and `user` keyword arguments so that its related-field choices
    can be restricted through the gate; `service_data()` returns what the service receives.
    """

    form_class: ClassVar[type[ScopedModelForm]]
    template_name: ClassVar[str] = "ui/form.html"
    create_service: ClassVar[Callable[..., Any]]
    update_service: ClassVar[Callable[..., Any]]

    def action_for(self, obj: models.Model | None) -> str:
        return "add" if obj is None else "change"

    def make_form(self, obj: models.Model | None) -> ScopedModelForm:
        data = self.request.POST if self.request.method == "POST" else None
        files = self.request.FILES if self.request.method == "POST" else None
        return self.form_class(
            data=data,
            files=files,
            instance=obj,
            customer=active_customer(self.request),
            user=self.request.user,
        )

    def success_url(self, obj: models.Model) -> str:
        return reverse(f"ui:{self.url_prefix}_list")

    def save(self, form: ScopedModelForm, obj: models.Model | None) -> models.Model:
        data = form.service_data()
        actor = self.request.user
        if obj is None:
            data["customer"] = active_customer(self.request)
            return type(self).create_service(actor, data)
        return type(self).update_service(actor, obj, data)

    def valid(self, form: ScopedModelForm) -> bool:
        """Whether the POST may be saved (a page with more forms than `form` checks them too)."""
        return form.is_valid()

    def show(
        self, form: forms.ModelForm, obj: models.Model | None, status: int = 200
    ) -> HttpResponse:
        context = self.base_context(form=form, object=obj, is_create=obj is None)
        return render(self.request, self.template_name, context, status=status)

    def _obj(self, pk: int | None) -> models.Model | None:
        obj = self.get_object(pk) if pk is not None else None
        require(self.request, self.resource, self.action_for(obj))
        return obj

    def get(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        obj = self._obj(pk)
        return self.show(self.make_form(obj), obj)

    def post(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        obj = self._obj(pk)
        # Validation writes the posted values onto the form's instance; the audited update must
        # compare against the stored ones, so the form gets a copy.
        form = self.make_form(copy.copy(obj) if obj is not None else None)
        if self.valid(form):
            try:
                saved = self.save(form, obj)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            except IntegrityError:
                form.add_error(None, "This conflicts with an existing object.")
            else:
                verb = "created" if obj is None else "saved"
                messages.success(request, f"{self.noun()} “{saved}” {verb}.")
                return HttpResponseRedirect(self.success_url(saved))
        return self.show(form, obj, status=400)


class ScopedDeleteView(ScopedMixin, View):
    """GET shows a confirmation page; POST deletes through the audited service."""

    template_name: ClassVar[str] = "ui/confirm_delete.html"

    def deleted_url(self, obj: models.Model) -> str:
        """Where to go after deleting `obj` (or failing to)."""
        return reverse(f"ui:{self.url_prefix}_list")

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        obj = self.get_object(pk)
        require(request, self.resource, "delete")
        return render(request, self.template_name, self.base_context(object=obj))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        obj = self.get_object(pk)
        require(request, self.resource, "delete")
        name = str(obj)
        try:
            device_services.delete_object(request.user, obj)
        except ProtectedError:
            messages.error(request, f"{self.noun()} “{name}” is still in use: not deleted.")
            return HttpResponseRedirect(self.deleted_url(obj))
        messages.success(request, f"{self.noun()} “{name}” deleted.")
        return HttpResponseRedirect(self.deleted_url(obj))
