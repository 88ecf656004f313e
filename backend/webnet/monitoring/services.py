"""Monitoring writes (profiles, SNMP credentials, bindings) and the reads edges share.

Edges validate input and call these; each write is audited once through core.changes.
"""

import re
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError

from webnet.core import changes, crypto
from webnet.monitoring.models import (
    DEVICE,
    PARTS,
    SNMP_SECRET_FIELDS,
    Rollup,
    Sample,
    SnmpCredential,
)
from webnet.monitoring.rollups import FIVE_MIN, HOUR

NUMERIC_OID = re.compile(r"^\.?\d+(\.\d+)+$")
STEPS = {"raw": 0, "5m": FIVE_MIN, "1h": HOUR}
RAW_UP_TO = timedelta(hours=36)
FIVE_MIN_UP_TO = timedelta(days=10)


def _encrypt_secrets(data: dict[str, Any]) -> dict[str, Any]:
    """Plaintext secret keys become ciphertext columns; absent keys stay untouched."""
    out = dict(data)
    for name in SNMP_SECRET_FIELDS:
        if name in out:
            out[f"{name}_encrypted"] = crypto.encrypt(out.pop(name) or "")
    return out


def create_snmp_credential(actor: Any, data: dict[str, Any]) -> SnmpCredential:
    return changes.create(actor, SnmpCredential, _encrypt_secrets(data))


def update_snmp_credential(
    actor: Any, credential: SnmpCredential, data: dict[str, Any]
) -> SnmpCredential:
    """Update; a secret absent from `data` keeps its value, an empty string clears it."""
    return changes.update(actor, credential, _encrypt_secrets(data))


def validate_parts(parts: list[str]) -> list[str]:
    unknown = sorted(set(parts) - set(PARTS))
    if unknown:
        raise ValidationError(f"Unknown part(s) {', '.join(unknown)}; choose from {PARTS}.")
    if not parts:
        raise ValidationError("Poll at least one part.")
    return sorted(set(parts), key=PARTS.index)


def validate_oids(oids: list[str]) -> list[str]:
    bad = [oid for oid in oids if not isinstance(oid, str) or not NUMERIC_OID.match(oid)]
    if bad:
        raise ValidationError(f"Not numeric OIDs: {', '.join(map(str, bad[:5]))}.")
    return [oid.lstrip(".") for oid in oids]


def pick_step(start: datetime, end: datetime, step: str = "auto") -> str:
    """The tier a range reads from: raw up to 36 h, 5 min up to 10 days, else 1 h."""
    if step != "auto":
        return step
    span = end - start
    if span <= RAW_UP_TO:
        return "raw"
    return "5m" if span <= FIVE_MIN_UP_TO else "1h"


def series(
    customer_id: int,
    device_id: int,
    metric: str,
    start: datetime,
    end: datetime,
    *,
    if_index: int = DEVICE,
    step: str = "raw",
) -> dict[str, Any]:
    """One metric's points in [start, end] as columns (epoch seconds, value[, min, max, p95]).

    The caller has already passed `device_id` through the gate."""
    where = {"device_id": device_id, "if_index": if_index, "metric": metric}
    if step == "raw":
        rows = (
            Sample.objects.for_customer(customer_id)
            .filter(**where, at__gte=start, at__lte=end)
            .order_by("at")
            .values_list("at", "value")
        )
        t, value = [], []
        for at, v in rows:
            t.append(int(at.timestamp()))
            value.append(v)
        return {"metric": metric, "t": t, "value": value}
    rollups = (
        Rollup.objects.for_customer(customer_id)
        .filter(**where, step_s=STEPS[step], bucket__gte=start, bucket__lte=end)
        .order_by("bucket")
        .values_list("bucket", "avg", "min", "max", "p95")
    )
    columns: dict[str, list] = {"t": [], "value": [], "min": [], "max": [], "p95": []}
    for bucket, avg, low, high, p95 in rollups:
        columns["t"].append(int(bucket.timestamp()))
        columns["value"].append(avg)
        columns["min"].append(low)
        columns["max"].append(high)
        columns["p95"].append(p95)
    return {"metric": metric, **columns}
