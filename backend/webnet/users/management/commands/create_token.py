"""manage.py create_token USERNAME NAME — mint an API token and print it once."""

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from webnet.customers.models import Customer
from webnet.users import services
from webnet.users.models import User


class Command(BaseCommand):
    help = (
        "Create an API token for USERNAME and print it (it is stored hashed and not shown again)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("name")
        parser.add_argument("--customer", help="limit the token to this customer (slug or name)")
        parser.add_argument("--read-only", action="store_true")
        parser.add_argument("--days", type=int, help="expire after this many days")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"no user {options['username']!r}")
        customer = None
        if options["customer"]:
            customer = (
                Customer.objects.filter(slug=options["customer"]).first()
                or Customer.objects.filter(name=options["customer"]).first()
            )
            if customer is None:
                raise CommandError(f"no customer {options['customer']!r}")
        expires = timezone.now() + timedelta(days=options["days"]) if options["days"] else None
        _, raw = services.create_token(
            None,
            user=user,
            name=options["name"],
            customer=customer,
            read_only=options["read_only"],
            expires_at=expires,
        )
        self.stdout.write(raw)
