"""manage.py create_user USERNAME [--password P | env WEBNET_USER_PASSWORD] [--superuser]."""

import os
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from webnet.customers.models import Customer, Role
from webnet.users import services
from webnet.users.models import User


class Command(BaseCommand):
    help = (
        "Create a user; with --customer/--role also a membership. Without a password one is "
        "generated and printed once."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument("--password", default=os.environ.get("WEBNET_USER_PASSWORD", ""))
        parser.add_argument("--superuser", action="store_true")
        parser.add_argument("--customer", help="customer slug or name")
        parser.add_argument("--role", choices=Role.values, default=Role.VIEWER)

    def handle(self, *args: Any, **options: Any) -> None:
        if User.objects.filter(username=options["username"]).exists():
            raise CommandError(f"user {options['username']!r} already exists")
        customer = None
        if options["customer"]:
            customer = (
                Customer.objects.filter(slug=options["customer"]).first()
                or Customer.objects.filter(name=options["customer"]).first()
            )
            if customer is None:
                raise CommandError(f"no customer {options['customer']!r}")
        password = options["password"] or secrets.token_urlsafe(12)
        try:
            user = services.create_user(
                None,
                username=options["username"],
                password=password,
                email=options["email"],
                customer=customer,
                role=options["role"] if customer else None,
                is_superuser=options["superuser"],
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(f"created user {user.username}")
        if not options["password"]:
            self.stdout.write(f"password (shown once): {password}")
