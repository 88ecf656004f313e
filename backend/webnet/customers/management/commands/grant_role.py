"""manage.py grant_role USERNAME CUSTOMER ROLE — give a user a role in a customer."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from webnet.customers import services
from webnet.customers.models import Customer, Role
from webnet.users.models import User


class Command(BaseCommand):
    help = "Create or change a membership: USERNAME gets ROLE in CUSTOMER (name or slug)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("customer")
        parser.add_argument("role", choices=Role.values)

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"no user {options['username']!r}")
        customer = (
            Customer.objects.filter(slug=options["customer"]).first()
            or Customer.objects.filter(name=options["customer"]).first()
        )
        if customer is None:
            raise CommandError(f"no customer {options['customer']!r}")
        membership = services.grant_role(None, user, customer, options["role"])
        self.stdout.write(f"{user.username} is {membership.role} in {customer.name}")
