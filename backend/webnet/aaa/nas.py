"""The NAS registry as FreeRADIUS needs it: its clients (secrets decrypted) and webnet's database.

Only configuration rendering (`manage.py radius`) and CoA signing decrypt a NAS secret.
"""

from django.conf import settings

from webnet.aaa.models import Nas
from webnet.aaa.radiusconf import Database, RadiusClient


def radius_clients() -> list[RadiusClient]:
    """Every customer's NAS: the source addresses FreeRADIUS answers, each tagged with its
    customer so the queries see that customer's rows only."""
    return [
        RadiusClient(f"nas{nas.pk}", nas.nasname, nas.reveal_secret(), nas.customer_id)
        for nas in Nas.objects.order_by("pk")
    ]


def radius_database() -> Database:
    """webnet's own database (the default connection), for rlm_sql."""
    db = settings.DATABASES["default"]
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return Database("sqlite", str(db["NAME"]))
    return Database(
        "postgresql",
        db["NAME"],
        host=db.get("HOST") or "127.0.0.1",
        port=int(db.get("PORT") or 5432),
        user=db.get("USER", ""),
        password=db.get("PASSWORD", ""),
    )
