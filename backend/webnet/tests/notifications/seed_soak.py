"""The soak's producer, run as its own process on the scaled stack (PostgreSQL, Celery broker):
one customer routing every alarm to a webhook, an email sink and a user's inbox, then N alarm
firings enqueued in transactions of 100 — each commit wakes the Celery workers.

    python -m webnet.tests.notifications.seed_soak --messages N --webhook URL --secret whsec_...
"""

import argparse
import os

import django


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, required=True)
    parser.add_argument("--webhook", required=True)
    parser.add_argument("--secret", required=True)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webnet.settings")
    django.setup()
    from django.db import transaction

    from webnet.customers.models import Customer, Membership
    from webnet.notifications import outbox, services
    from webnet.notifications.models import RoutingRule
    from webnet.users.models import User

    customer = Customer.objects.create(name="Soak", slug="soak")
    user = User.objects.create(username="soak-noc", email="noc@soak.test")
    Membership.objects.create(customer=customer, user=user, role="viewer")
    hook = services.create_sink(
        None,
        {"customer": customer, "name": "hook", "kind": "webhook", "url": args.webhook,
         "secret": args.secret, "failure_threshold": 5},
    )  # fmt: skip
    mail = services.create_sink(
        None,
        {"customer": customer, "name": "mail", "kind": "email", "recipients": ["noc@soak.test"]},
    )
    rule = RoutingRule.objects.create(customer=customer, name="all")
    rule.sinks.set([hook, mail])
    rule.users.set([user])
    for start in range(0, args.messages, 100):
        with transaction.atomic():
            for number in range(start, min(start + 100, args.messages)):
                outbox.enqueue(
                    customer=customer, topic="alarm", key=f"alarm-{number}", state="firing",
                    severity="major", title=f"link down {number}", payload={"n": number},
                )  # fmt: skip
    print("seeded", args.messages)


if __name__ == "__main__":
    main()
