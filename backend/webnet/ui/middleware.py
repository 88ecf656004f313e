"""The UI's active customer: chosen with the switcher, kept in the session, checked each request."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from webnet.customers.models import Customer

SESSION_KEY = "active_customer_id"


class ActiveCustomerMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.customer = None  # type: ignore[attr-defined]
        if request.user.is_authenticated and not request.path.startswith("/api/"):
            visible = Customer.objects.restrict(request.user, "view").filter(is_active=True)
            chosen = request.session.get(SESSION_KEY)
            customer = visible.filter(pk=chosen).first() if chosen else None
            request.customer = customer or visible.first()  # type: ignore[attr-defined]
        return self.get_response(request)
