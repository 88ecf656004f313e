"""CSV import and export of devices: a dry run that reports every row's errors, an
all-or-nothing commit, and the export row the import reads back (a round trip).

The header is the lab's inventory format (any column order; unknown columns are an error):
hostname,management_host,port,platform,vendor,model,serial_number,os_version,role,site,tags,
credential — plus optional latitude, longitude, description, enabled (the lab's snmp_* agent
columns are accepted and skipped: they are monitoring bindings). `tags` is `;`-separated
(missing tags are created); `credential` names an existing credential of the customer; `site`
names a Site of the customer, created when missing if the import allows it (`create_sites`) and
the importer is not limited to part of the customer (a scoped member only places devices in the
sites they see), else that row is an error.

The API's device export reads back as is: its read-only columns are ignored, `tag_names` stands
for `tags` (whose cells there are ids), a credential may be given by id, and the cells the export
escaped against spreadsheet formulas are unescaped; `site_name` stands for `site` (an id there).

A row naming an existing hostname is an error, skipped, or updates that device (`on_existing`);
an update keeps the values of columns the file does not have.
"""

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.db import transaction

from webnet.core import access
from webnet.core.spreadsheet import unescape_cell
from webnet.customers.models import Customer
from webnet.devices import services
from webnet.devices.models import Credential, Device, Tag
from webnet.devices.platforms import Platform
from webnet.locations import services as location_services
from webnet.locations.models import Site

REQUIRED_COLUMNS = ("hostname", "management_host", "platform")
OPTIONAL_COLUMNS = (
    "port",
    "vendor",
    "model",
    "serial_number",
    "os_version",
    "role",
    "site",
    "tags",
    "credential",
    "latitude",
    "longitude",
    "description",
    "enabled",
)
# Columns of the API's device export that describe a stored device, not an inventory row.
EXPORT_ONLY_COLUMNS = (
    "id",
    "customer",
    "tag_names",
    "site_name",
    "location",
    "rack",
    "legacy_ssh",
    "status",
    "last_seen_at",
    "last_backup_at",
    "created_at",
    "updated_at",
)
# The lab inventory's SNMP agent columns: monitoring bindings (`manage.py seed_monitoring`
# reads them), not device fields; the device import accepts and skips them.
MONITORING_COLUMNS = ("snmp_host", "snmp_port", "snmp_community", "snmp_v3_user")
IGNORED_COLUMNS = (*EXPORT_ONLY_COLUMNS, *MONITORING_COLUMNS)
COLUMNS = (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)
ON_EXISTING = ("error", "skip", "update")
MAX_ROWS = 10_000
MAX_BYTES = 5 * 1024 * 1024


# The columns the row form checks; tags, credential and site are names resolved here.
FORM_COLUMNS = tuple(c for c in COLUMNS if c not in ("tags", "credential", "site"))
SITE_NAME_MAX = int(Site._meta.get_field("name").max_length or 100)


class DeviceRowForm(forms.ModelForm):
    class Meta:
        model = Device
        fields = list(FORM_COLUMNS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["port"].required = False
        self.fields["enabled"].required = False

    def clean_port(self) -> int:
        return self.cleaned_data.get("port") or 22


@dataclass
class RowResult:
    line: int
    hostname: str
    errors: list[str] = field(default_factory=list)
    new_tags: list[str] = field(default_factory=list)
    new_site: str = ""
    skipped: bool = False
    device: Device | None = field(default=None, repr=False)  # the device an update changes
    data: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def action(self) -> str:
        return "skip" if self.skipped else "update" if self.device else "create"


@dataclass
class ImportReport:
    rows: list[RowResult] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    committed: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors and all(not row.errors for row in self.rows)

    @property
    def error_count(self) -> int:
        return len(self.errors) + sum(1 for row in self.rows if row.errors)

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "committed": self.committed,
            "total": len(self.rows),
            "skipped": sum(1 for r in self.rows if r.skipped),
            "updated": sum(1 for r in self.rows if r.action == "update"),
            "error_count": self.error_count,
            "errors": self.errors,
            "rows": [
                {
                    "line": r.line,
                    "hostname": r.hostname,
                    "action": r.action,
                    "errors": r.errors,
                    "new_tags": r.new_tags,
                    "new_site": r.new_site,
                }
                for r in self.rows
            ],
        }


def export_row(device: Device) -> dict[str, Any]:
    """A device in the import's columns: tags, credential and site by name (all prefetched)."""
    row: dict[str, Any] = {name: getattr(device, name) for name in FORM_COLUMNS}
    row["tags"] = sorted(tag.name for tag in device.tags.all())
    row["credential"] = device.credential.name if device.credential else ""
    row["site"] = device.site.name if device.site else ""
    return {column: row[column] for column in COLUMNS}


def _cell(value: Any) -> str:
    if isinstance(value, list):
        return ";".join(value)
    return "" if value is None else str(value)


def _decode(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("latin-1")


def _check_header(header: list[str], report: ImportReport) -> None:
    missing = [col for col in REQUIRED_COLUMNS if col not in header]
    known = REQUIRED_COLUMNS + OPTIONAL_COLUMNS + IGNORED_COLUMNS
    unknown = [col for col in header if col not in known]
    if missing:
        report.errors.append(f"missing column(s): {', '.join(missing)}")
    if unknown:
        report.errors.append(f"unknown column(s): {', '.join(unknown)}")


@dataclass
class Known:
    """What rows are resolved against: the customer's credentials, tags and visible sites."""

    credentials: dict[str, Credential]
    tags: set[str]
    sites: dict[str, Site]
    may_create_sites: bool


def _resolve_site(values: dict[str, str], known: Known, result: RowResult) -> None:
    name = values.get("site", "")
    if not name or name in known.sites:
        return
    if len(name) > SITE_NAME_MAX:
        result.errors.append(f"site: a site name has at most {SITE_NAME_MAX} characters")
    elif known.may_create_sites:
        result.new_site = name
    else:
        result.errors.append(
            f"site: no site named {name!r}; create it first (or allow the import to create sites)"
        )


def _row_result(
    line: int,
    raw: dict[str, str],
    customer: Customer,
    seen: set[str],
    known: Known,
    device: Device | None = None,
) -> RowResult:
    values = {key: unescape_cell((value or "").strip()) for key, value in raw.items() if key}
    if "tag_names" in values:
        values["tags"] = values["tag_names"]
    if "site_name" in values:
        values["site"] = values["site_name"]
    values = {key: value for key, value in values.items() if key not in IGNORED_COLUMNS}
    if device is not None:  # an update: what the file leaves out stays as it is
        values = {key: _cell(value) for key, value in export_row(device).items()} | values
    result = RowResult(line=line, hostname=values.get("hostname", ""), device=device)
    if values.get("platform") and values["platform"] not in Platform.values:
        result.errors.append(
            f"platform: unknown {values['platform']!r}; one of {', '.join(Platform.values)}"
        )
    form_data: dict[str, Any] = {
        key: value for key, value in values.items() if key not in ("tags", "credential", "site")
    }
    enabled = str(form_data.get("enabled") or "true").lower()
    form_data["enabled"] = enabled not in ("false", "0", "no", "off")
    form = DeviceRowForm(data=form_data, instance=Device(customer=customer))
    if not form.is_valid():
        for name, messages in form.errors.items():
            if name == "platform" and result.errors:
                continue
            result.errors.extend(f"{name}: {message}" for message in messages)
    hostname = values.get("hostname", "")
    if hostname in seen:
        result.errors.append(f"hostname: {hostname!r} appears twice in the file")
    seen.add(hostname)
    credential_name = values.get("credential", "")
    if credential_name and credential_name not in known.credentials:
        result.errors.append(f"credential: no credential named {credential_name!r}")
    _resolve_site(values, known, result)
    tag_names = [t.strip() for t in values.get("tags", "").split(";") if t.strip()]
    result.new_tags = [t for t in tag_names if t not in known.tags]
    if not result.errors:
        result.data = {
            **form.cleaned_data,
            "customer": customer,
            "credential": known.credentials.get(credential_name),
            "site_name": values.get("site", ""),
            "tag_names": tag_names,
        }
    return result


def _visible(model: Any, actor: Any, customer: Customer, action: str) -> Any:
    """The customer's rows `actor` may `action` (all of them for the system, actor None)."""
    rows = model.objects if actor is None else model.objects.restrict(actor, action)
    return rows.for_customer(customer.pk)


def parse(
    actor: Any,
    content: bytes,
    customer: Customer,
    on_existing: str = "error",
    create_sites: bool = True,
) -> ImportReport:
    """Validate a CSV file for `customer` without writing anything.

    A row naming an existing hostname is an error, or is skipped, or updates that device (one
    `actor` can see: a hostname taken by a device outside their scope is an error). Actor None
    is the system (the lab command).
    """
    if on_existing not in ON_EXISTING:
        raise ValueError(f"on_existing must be one of {ON_EXISTING}")
    report = ImportReport()
    if len(content) > MAX_BYTES:
        report.errors.append(f"file is larger than {MAX_BYTES // (1024 * 1024)} MiB")
        return report
    reader = csv.DictReader(io.StringIO(_decode(content)))
    header = [name.strip() for name in reader.fieldnames or []]
    if not header:
        report.errors.append("the file is empty or has no header row")
        return report
    reader.fieldnames = header
    _check_header(header, report)
    if report.errors:
        return report
    own = list(Credential.objects.for_customer(customer.pk))
    known = Known(
        credentials={str(c.pk): c for c in own} | {c.name: c for c in own},
        tags=set(Tag.objects.for_customer(customer.pk).values_list("name", flat=True)),
        sites={s.name: s for s in _visible(Site, actor, customer, "view")},
        may_create_sites=create_sites and customer.pk not in access.location_scopes(actor),
    )
    existing = {
        device.hostname: device
        for device in _visible(Device, actor, customer, "change")
        .select_related("credential", "site")
        .prefetch_related("tags")
    }
    taken = set(Device.objects.for_customer(customer.pk).values_list("hostname", flat=True))
    seen: set[str] = set()
    try:
        for index, raw in enumerate(reader):
            if index >= MAX_ROWS:
                report.errors.append(f"more than {MAX_ROWS} rows")
                break
            hostname = (raw.get("hostname") or "").strip()
            device = existing.get(hostname) if on_existing == "update" else None
            row = _row_result(reader.line_num, raw, customer, seen, known, device)
            if row.hostname in taken and row.hostname not in existing:
                row.errors.append(f"hostname: {row.hostname!r} is taken in this customer")
                row.data = {}
            elif row.hostname in existing and device is None:
                if on_existing == "skip":
                    row.errors, row.new_tags, row.skipped = [], [], True
                else:
                    row.errors.append(f"hostname: a device named {row.hostname!r} already exists")
                row.data = {}
            report.rows.append(row)
    except csv.Error as exc:  # a field over csv's size limit, a NUL byte, a broken quote
        report.errors.append(f"line {reader.line_num}: {exc}")
    if not report.rows and not report.errors:
        report.errors.append("the file has no device rows")
    return report


@transaction.atomic
def commit(
    actor: Any,
    content: bytes,
    customer: Customer,
    on_existing: str = "error",
    create_sites: bool = True,
) -> ImportReport:
    """Re-validate, then create or update every device, or none: any error leaves the database
    untouched."""
    report = parse(actor, content, customer, on_existing, create_sites)
    if not report.ok:
        return report
    tags = {t.name: t for t in Tag.objects.for_customer(customer.pk)}
    sites = {s.name: s for s in Site.objects.for_customer(customer.pk)}
    for row in report.rows:
        if row.skipped:
            continue
        data = dict(row.data)
        tag_objects = []
        for name in data.pop("tag_names"):
            if name not in tags:
                tags[name] = services.create_tag(actor, {"customer": customer, "name": name})
            tag_objects.append(tags[name])
        data["tags"] = tag_objects
        site_name = data.pop("site_name")
        if site_name and site_name not in sites:
            sites[site_name] = location_services.create_site(
                actor, {"customer": customer, "name": site_name}
            )
        data["site"] = sites.get(site_name)
        if row.device is None:
            services.create_device(actor, data)
        else:
            data.pop("customer")
            services.update_device(actor, row.device, data)  # binding changes stay admin-only
    report.committed = True
    return report
