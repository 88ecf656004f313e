"""Guard rails of the one permission gate (DESIGN §5)."""

import re
from pathlib import Path

from django.apps import apps

import webnet
from webnet.core.models import CustomerOwned

# Models that are not owned by one customer, and why.
GLOBAL_MODELS = {
    "users.user": "a login spans customers; roles live in Membership",
    "users.apitoken": "owned by its user; narrowed by an optional customer",
    "core.auditevent": "platform events (failed logins) have no customer; reads are restricted",
    "customers.customer": "the tenant itself (scoped by its own id)",
    "users.totpdevice": "a user's own second factor, like the user it belongs to",
}

WEBNET_ROOT = Path(webnet.__file__).parent
HAND_FILTER = re.compile(r"\.(filter|exclude|get)\([^)]*\bcustomer(_id)?(__\w+)?\s*=")
GATE_FILES = {"core/querysets.py", "core/access.py"}


def _webnet_models():
    return [m for m in apps.get_models() if m.__module__.startswith("webnet.")]


def test_every_model_is_customer_owned_or_listed_global() -> None:
    """Tenant-owned models inherit core.models.CustomerOwned (non-null indexed customer, gate)."""
    for model in _webnet_models():
        label = model._meta.label_lower
        if label in GLOBAL_MODELS:
            assert not issubclass(model, CustomerOwned), f"{label} is listed global but owned"
            continue
        assert issubclass(model, CustomerOwned), f"{label} must inherit CustomerOwned"
        field = model._meta.get_field("customer")
        assert not field.null and field.db_index, label
        assert hasattr(model.objects, "restrict"), f"{label} must keep the scoped manager"


def test_scoped_uniqueness_includes_customer() -> None:
    for model in _webnet_models():
        if model._meta.label_lower in GLOBAL_MODELS:
            continue
        for constraint in model._meta.constraints:
            fields = getattr(constraint, "fields", ())
            # Unique within the customer, or within a parent that belongs to one customer.
            owners = [
                name
                for name in fields
                if name == "customer"
                or (
                    model._meta.get_field(name).is_relation
                    and _is_scoped(model._meta.get_field(name).related_model)
                )
            ]
            assert not fields or owners, (model, constraint.name)


def _is_scoped(model) -> bool:  # type: ignore[no-untyped-def]
    return model._meta.label_lower not in GLOBAL_MODELS and any(
        field.name == "customer" for field in model._meta.fields
    )


def test_no_hand_written_customer_filters_outside_the_gate() -> None:
    offenders = []
    for path in WEBNET_ROOT.rglob("*.py"):
        relative = path.relative_to(WEBNET_ROOT).as_posix()
        if (
            relative in GATE_FILES
            or relative.startswith(("tests/", "lab/", "drivers/"))
            or ("/migrations/" in relative)
        ):
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if HAND_FILTER.search(line):
                offenders.append(f"{relative}:{number}: {line.strip()}")
    assert not offenders, "filter by customer through restrict()/for_customer():\n" + "\n".join(
        offenders
    )
