"""CSV import of subscribers (and, when a row names a plan and a device, their service).

Like the device import: `parse` validates every row without writing (the dry run); `commit`
re-validates and writes all rows or none. Plans and devices are named (plan name, device
hostname) within the customer, among those the importer may see. Columns are the export's.
"""

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.db import transaction

from webnet.customers.models import Customer
from webnet.devices.models import Device
from webnet.subscribers import services
from webnet.subscribers.models import ServiceInstance, ServicePlan, Subscriber

SUBSCRIBER_COLUMNS = ["account_number", "external_id", "name", "email", "phone", "address"]
SERVICE_COLUMNS = ["plan", "device", "port", "onu_id", "vlan", "login", "password"]
COLUMNS = SUBSCRIBER_COLUMNS + SERVICE_COLUMNS
MAX_ROWS = 20_000
ON_EXISTING = ("error", "skip")


class SubscriberRowForm(forms.ModelForm):
    class Meta:
        model = Subscriber
        fields = list(SUBSCRIBER_COLUMNS)


class ServiceRowForm(forms.ModelForm):
    class Meta:
        model = ServiceInstance
        fields = ["port", "onu_id", "vlan", "login"]


@dataclass
class RowResult:
    line: int
    account_number: str
    errors: list[str] = field(default_factory=list)
    skipped: bool = False
    subscriber: dict[str, Any] = field(default_factory=dict, repr=False)
    service: dict[str, Any] | None = field(default=None, repr=False)


@dataclass
class ImportReport:
    rows: list[RowResult] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    committed: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors and all(not row.errors for row in self.rows)

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "committed": self.committed,
            "total": len(self.rows),
            "skipped": sum(1 for r in self.rows if r.skipped),
            "services": sum(1 for r in self.rows if r.service is not None and not r.skipped),
            "errors": self.errors,
            "rows": [
                {"line": r.line, "account_number": r.account_number, "errors": r.errors}
                for r in self.rows
                if r.errors or r.skipped
            ],
        }


def export_row(subscriber: Subscriber) -> dict[str, Any]:
    return {column: getattr(subscriber, column) for column in SUBSCRIBER_COLUMNS}


def _errors(form: forms.BaseForm) -> list[str]:
    return [f"{name}: {message}" for name, ms in form.errors.items() for message in ms]


def _service_part(
    raw: dict[str, str], plans: dict[str, ServicePlan], devices: dict[str, Device], row: RowResult
) -> None:
    if not (raw.get("plan") or raw.get("device")):
        return
    plan, device = plans.get(raw.get("plan", "")), devices.get(raw.get("device", ""))
    if plan is None:
        row.errors.append(f"plan: no plan named {raw.get('plan', '')!r}")
    if device is None:
        row.errors.append(f"device: no device named {raw.get('device', '')!r}")
    form = ServiceRowForm({k: raw.get(k, "") for k in ServiceRowForm.Meta.fields})
    if not form.is_valid():
        row.errors.extend(_errors(form))
    elif plan is not None and device is not None:
        row.service = {**form.cleaned_data, "plan": plan, "device": device}
        if raw.get("password"):
            row.service["password"] = raw["password"]


def parse(actor: Any, content: bytes, customer: Customer, on_existing: str = "error") -> Any:
    """Validate the file for `customer` without writing anything (the dry run)."""
    report = ImportReport()
    text = content.decode("utf-8-sig", errors="replace")
    reader = csv.DictReader(io.StringIO(text))
    header = [name.strip() for name in reader.fieldnames or []]
    missing = [c for c in ("account_number", "name") if c not in header]
    unknown = [c for c in header if c not in COLUMNS]
    if not header or missing or unknown:
        report.errors.append(
            f"columns: need account_number and name; known: {', '.join(COLUMNS)}"
            + (f"; unknown: {', '.join(unknown)}" if unknown else "")
        )
        return report
    reader.fieldnames = header
    existing = set(
        Subscriber.objects.for_customer(customer.pk).values_list("account_number", flat=True)
    )
    plans = {
        p.name: p for p in ServicePlan.objects.restrict(actor, "view").for_customer(customer.pk)
    }
    devices = {
        d.hostname: d for d in Device.objects.restrict(actor, "view").for_customer(customer.pk)
    }
    logins = set(
        ServiceInstance.objects.for_customer(customer.pk)
        .exclude(login="")
        .values_list("login", flat=True)
    )
    seen: set[str] = set()
    try:
        for index, raw in enumerate(reader):
            if index >= MAX_ROWS:
                report.errors.append(f"more than {MAX_ROWS} rows")
                break
            raw = {k: (v or "").strip() for k, v in raw.items() if k}
            row = RowResult(reader.line_num, raw.get("account_number", ""))
            report.rows.append(row)
            if row.account_number in existing:
                if on_existing == "skip":
                    row.skipped = True
                else:
                    row.errors.append("account_number: a subscriber with this number exists")
                continue
            if row.account_number in seen:
                row.errors.append("account_number: repeated in the file")
            seen.add(row.account_number)
            form = SubscriberRowForm({k: raw.get(k, "") for k in SUBSCRIBER_COLUMNS})
            if form.is_valid():
                row.subscriber = form.cleaned_data
            else:
                row.errors.extend(_errors(form))
            _service_part(raw, plans, devices, row)
            login = (row.service or {}).get("login")
            if login and login in logins:
                row.errors.append(f"login: {login!r} is taken")
            logins.add(login or "")
    except csv.Error as exc:
        report.errors.append(f"line {reader.line_num}: {exc}")
    if not report.rows and not report.errors:
        report.errors.append("the file has no subscriber rows")
    return report


@transaction.atomic
def commit(actor: Any, content: bytes, customer: Customer, on_existing: str = "error") -> Any:
    """Re-validate, then create every subscriber (and service), or nothing."""
    report = parse(actor, content, customer, on_existing)
    if not report.ok:
        return report
    for row in report.rows:
        if row.skipped:
            continue
        subscriber = services.create_subscriber(actor, {**row.subscriber, "customer": customer})
        if row.service is not None:
            services.create_service(
                actor, {**row.service, "customer": customer, "subscriber": subscriber}
            )
    report.committed = True
    return report
