"""The "Incidents" section of a customer's status page (maintenance.status_page).

The page may be public, so it shows only what a customer's own customers should read: how many
P1/P2 incidents are open, where (the site's name), and since when — never titles, devices or
notes, which are the NOC's working text.
"""

from datetime import datetime

from webnet.customers.models import Customer
from webnet.incidents.models import Incident
from webnet.incidents.models.incident import ACTIVE_STATUSES, Priority
from webnet.maintenance.status_page import Section

PUBLIC_PRIORITIES = (Priority.P1, Priority.P2)


def current_incidents(customer: Customer, now: datetime) -> Section:
    """Open major incidents, one line each: 'Service disruption — <site>' and its start."""
    rows = (
        Incident.objects.for_customer(customer.pk)
        .filter(status__in=ACTIVE_STATUSES, priority__in=PUBLIC_PRIORITIES, opened_at__lte=now)
        .select_related("site")
        .order_by("opened_at")
    )
    items = [
        {
            "title": f"Service disruption — {row.site.name}"
            if row.site_id
            else "Service disruption",
            "detail": f"since {row.opened_at:%Y-%m-%d %H:%M:%S} UTC",
        }
        for row in rows
    ]
    return Section(title="Incidents", items=items, order=10)
