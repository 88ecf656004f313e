"""manage.py seed_demo — the demo customer, its admin login and a lab credential; idempotent.

The admin password comes from WEBNET_ADMIN_PASSWORD, or is generated and printed once (on the run
that creates the user). The lab credential matches the device lab's default login.
"""

import os
import secrets
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from webnet.customers import services as customer_services
from webnet.customers.models import Customer, Role
from webnet.devices import services as device_services
from webnet.devices.models import Credential
from webnet.locations import services as location_services
from webnet.locations.models import Region, Site
from webnet.users import services as user_services
from webnet.users.models import User

DEMO_SLUG = "demo"
LAB_CREDENTIAL = "lab"
# The lab's sites (webnet.lab.fleet.SITES) in two regions of a parent: the lab import finds them.
DEMO_REGIONS = {
    "Europe": {"ams1": "Europe/Amsterdam", "fra1": "Europe/Berlin", "lon1": "Europe/London"},
    "Americas": {"nyc1": "America/New_York", "sjc1": "America/Los_Angeles"},
}


class Command(BaseCommand):
    help = "Create the demo customer, an admin user and the lab credential if missing."

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        customer = Customer.objects.filter(slug=DEMO_SLUG).first()
        if customer is None:
            customer = customer_services.create_customer(
                None,
                {
                    "name": "Demo ISP",
                    "slug": DEMO_SLUG,
                    "description": "Demo customer with a simulated lab network",
                },
            )
        username = os.environ.get("WEBNET_ADMIN_USER", "admin")
        if not User.objects.filter(username=username).exists():
            given = os.environ.get("WEBNET_ADMIN_PASSWORD", "")
            password = given or secrets.token_urlsafe(12)
            user_services.create_user(
                None,
                username=username,
                password=password,
                customer=customer,
                role=Role.ADMIN,
                is_superuser=True,
            )
            shown = "(from WEBNET_ADMIN_PASSWORD)" if given else password
            self.stdout.write(
                self.style.SUCCESS(f"admin login: {username} / {shown}   (password shown once)")
            )
        else:
            self.stdout.write(f"admin user {username!r} exists (password unchanged)")
        if not Credential.objects.for_customer(customer.pk).filter(name=LAB_CREDENTIAL).exists():
            device_services.create_credential(
                None,
                {
                    "customer": customer,
                    "name": LAB_CREDENTIAL,
                    "username": os.environ.get("WEBNET_LAB_USERNAME", "admin"),
                    "password": os.environ.get("WEBNET_LAB_PASSWORD", "admin"),
                    "enable_secret": os.environ.get("WEBNET_LAB_ENABLE_SECRET", "enable"),
                    "description": "Login of the simulated lab devices",
                },
            )
        self._seed_locations(customer)
        self.stdout.write(f"demo customer: {customer.name} (id {customer.pk})")

    @staticmethod
    def _seed_locations(customer: Customer) -> None:
        """A world region over two regions and their sites, each made only if missing."""
        regions = Region.objects.for_customer(customer.pk)
        world = regions.filter(name="World").first() or location_services.create_region(
            None, {"customer": customer, "name": "World"}
        )
        for region_name, sites in DEMO_REGIONS.items():
            region = regions.filter(name=region_name).first() or location_services.create_region(
                None, {"customer": customer, "name": region_name, "parent": world}
            )
            for site_name, zone in sites.items():
                if not Site.objects.for_customer(customer.pk).filter(name=site_name).exists():
                    location_services.create_site(
                        None,
                        {
                            "customer": customer,
                            "name": site_name,
                            "region": region,
                            "time_zone": zone,
                        },
                    )
