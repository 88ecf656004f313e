"""The free-text device site becomes Site rows, per customer, with nothing lost (and back)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("devices", "0002_customer_owned")]
AFTER = [("devices", "0003_h3_device_site")]


def _migrate(targets: list[tuple[str, str]]):  # type: ignore[no-untyped-def]
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_distinct_site_texts_become_sites_of_their_own_customer() -> None:
    # given devices with free-text sites in two customers, before the migration
    old = _migrate(BEFORE)
    customers = old.get_model("customers", "Customer")
    device = old.get_model("devices", "Device")
    a = customers.objects.create(name="A", slug="a")
    b = customers.objects.create(name="B", slug="b")
    for customer, hostname, site in (
        (a, "a1", "ams1"),
        (a, "a2", "ams1"),
        (a, "a3", "FRA1"),
        (a, "a4", ""),
        (b, "b1", "ams1"),
    ):
        device.objects.create(
            customer=customer,
            hostname=hostname,
            management_host="192.0.2.1",
            platform="cisco_ios",
            site=site,
        )
    # when it runs
    new = _migrate(AFTER)
    sites = new.get_model("locations", "Site")
    devices = new.get_model("devices", "Device")
    # then each customer has its own sites and every device points at its own
    assert sorted(sites.objects.values_list("customer__slug", "name")) == [
        ("a", "FRA1"),
        ("a", "ams1"),
        ("b", "ams1"),
    ]
    placed = dict(devices.objects.values_list("hostname", "site__name"))
    assert placed == {"a1": "ams1", "a2": "ams1", "a3": "FRA1", "a4": None, "b1": "ams1"}
    b1 = devices.objects.get(hostname="b1")
    assert b1.site.customer_id == b1.customer_id
    # and going back restores the texts
    back = _migrate(BEFORE)
    texts = dict(back.get_model("devices", "Device").objects.values_list("hostname", "site"))
    assert texts == {"a1": "ams1", "a2": "ams1", "a3": "FRA1", "a4": "", "b1": "ams1"}
    _migrate(executor_leaf_nodes())


def executor_leaf_nodes() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()
