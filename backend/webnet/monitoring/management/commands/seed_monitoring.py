"""manage.py seed_monitoring — poll the demo customer's lab devices (see monitoring/demo.py)."""

import os
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from webnet.customers.models import Customer
from webnet.monitoring.demo import seed_lab_monitoring


class Command(BaseCommand):
    help = "Give a customer a default poll profile and bind its lab devices' SNMP agents."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--customer", default="demo", help="customer slug")
        parser.add_argument(
            "--inventory",
            default=str(settings.STATE_DIR / "lab" / "inventory.csv"),
            help="the lab's inventory CSV",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        customer = Customer.objects.filter(slug=options["customer"]).first()
        if customer is None:
            raise CommandError(f"no customer with slug {options['customer']!r}")
        try:
            with open(options["inventory"], encoding="utf-8") as handle:
                inventory = handle.read()
        except FileNotFoundError:
            inventory = ""
        community = os.environ.get("WEBNET_LAB_SNMP_COMMUNITY", "public")
        result = seed_lab_monitoring(customer, inventory, community)
        self.stdout.write(
            f"monitoring: profile {result['profile']!r} polls {', '.join(result['parts'])}; "
            f"{result['agents']} lab SNMP agent(s) bound"
        )
