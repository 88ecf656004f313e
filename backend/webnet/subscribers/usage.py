"""Per-subscriber usage from accounting (radacct), for the billing system or a report.

Sessions that started in [since, until) count whole: their time and octets as accounted so far
(interim updates included). Only the logins of services the reader may see are summed.
"""

from datetime import datetime
from typing import Any

from django.db.models import Count, Sum

from webnet.aaa.models import RadAcct
from webnet.subscribers.models import ServiceInstance


def usage(user: Any, customer_id: int, since: datetime, until: datetime) -> list[dict[str, Any]]:
    services = {
        service.login: service
        for service in ServiceInstance.objects.restrict(user, "view")
        .for_customer(customer_id)
        .exclude(login="")
        .select_related("subscriber")
    }
    totals = (
        RadAcct.objects.for_customer(customer_id)
        .filter(username__in=list(services), acctstarttime__gte=since, acctstarttime__lt=until)
        .values("username")
        .annotate(
            sessions=Count("radacctid"),
            seconds=Sum("acctsessiontime"),
            input_octets=Sum("acctinputoctets"),
            output_octets=Sum("acctoutputoctets"),
        )
        .order_by("username")
    )
    return [
        {
            "account_number": services[row["username"]].subscriber.account_number,
            "subscriber_external_id": services[row["username"]].subscriber.external_id,
            "service": services[row["username"]].pk,
            "login": row["username"],
            "sessions": row["sessions"],
            "seconds": row["seconds"] or 0,
            "input_octets": row["input_octets"] or 0,
            "output_octets": row["output_octets"] or 0,
        }
        for row in totals
    ]
