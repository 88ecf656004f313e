"""Template context for every page: the active customer, the switcher's choices, role flags, the
sidebar's link groups, the customers withheld until the user sets up two-factor login, the unread
inbox count, and the announcement banners meant for the user's role and location scope."""

from django.http import HttpRequest
from django.utils import timezone

from webnet.core import access
from webnet.customers.models import Customer
from webnet.maintenance.announcements import banners_for
from webnet.notifications.models import InboxItem
from webnet.ui.navigation import sidebar


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    customer = getattr(request, "customer", None)
    if user is None or not user.is_authenticated:
        return {}
    cid = customer.pk if customer else None
    is_staff = access.is_staff(user)
    can_admin = access.can(user, "credential", "change", cid)
    can_run_jobs = access.can(user, "job", "add", cid)
    return {
        "active_customer": customer,
        "switchable_customers": Customer.objects.restrict(user, "view").filter(is_active=True),
        "is_staff_user": is_staff,
        "can_admin": can_admin,
        "can_run_jobs": can_run_jobs,
        "sidebar": sidebar(
            has_customer=customer is not None,
            can_run_jobs=can_run_jobs,
            can_admin=can_admin,
            is_staff=is_staff,
        ),
        "withheld_customers": access.withheld_customers(user),
        "banners": banners_for(user, customer, timezone.now()),
        "inbox_unread": InboxItem.objects.restrict(user, "view")
        .filter(user_id=user.pk, read_at__isnull=True)
        .count(),
    }
