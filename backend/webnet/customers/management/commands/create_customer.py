"""manage.py create_customer NAME [--slug S] — for scripted bootstrap; idempotent."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from webnet.customers import services
from webnet.customers.models import Customer


class Command(BaseCommand):
    help = "Create a customer (tenant) unless one with that name exists; print its id."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name")
        parser.add_argument("--slug", default="")
        parser.add_argument("--description", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        customer = Customer.objects.filter(name=options["name"]).first()
        if customer is None:
            data = {"name": options["name"], "description": options["description"]}
            if options["slug"]:
                data["slug"] = options["slug"]
            customer = services.create_customer(None, data)
            self.stdout.write(f"created customer {customer.pk} {customer.name}")
        else:
            self.stdout.write(f"customer {customer.pk} {customer.name} exists")
