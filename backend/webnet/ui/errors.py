"""The UI's 404: the normal page (with the sidebar) for everyone; for staff, a link to an object
that exists in another customer offers to open it there.

Only staff are told where an object lives: staff may see every customer anyway, while anyone
else gets the same plain 404 for "another customer's" and "does not exist" (no existence oracle).
"""

from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from webnet.core import access
from webnet.customers.models import Customer

M = TypeVar("M", bound=models.Model)


class InAnotherCustomer(Http404):
    """Not in the active customer, but in `customer` (raised for staff only)."""

    def __init__(self, customer: Customer) -> None:
        super().__init__(f"This object belongs to {customer.name}.")
        self.customer = customer


def get_or_404(request: HttpRequest, queryset: QuerySet[M], pk: Any) -> M:
    """`queryset.get(pk=pk)` or 404; for staff, say which customer holds it when another does."""
    try:
        return queryset.get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError):
        pass
    if access.is_staff(request.user):
        owner = (
            queryset.model.objects.restrict(request.user, "view")  # type: ignore[attr-defined]
            .filter(pk=pk)
            .values_list("customer_id", flat=True)
            .first()
        )
        customer = Customer.objects.filter(pk=owner, is_active=True).first() if owner else None
        if customer is not None:
            raise InAnotherCustomer(customer)
    raise Http404(f"No {queryset.model._meta.verbose_name} here.")


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler404: the page with navigation when logged in, the bare one otherwise."""
    elsewhere = exception.customer if isinstance(exception, InAnotherCustomer) else None
    context = {"elsewhere": elsewhere, "request_path": request.path}
    return render(request, "404.html", context, status=404)
