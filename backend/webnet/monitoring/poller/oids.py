"""The numeric OIDs the poller reads (standard MIBs only: no MIB files are loaded, ever)."""

from __future__ import annotations

# SNMPv2-MIB system group (scalars, read with one GET).
SYS_DESCR = "1.3.6.1.2.1.1.1.0"
SYS_OBJECT_ID = "1.3.6.1.2.1.1.2.0"
SYS_UPTIME = "1.3.6.1.2.1.1.3.0"
SYS_NAME = "1.3.6.1.2.1.1.5.0"
SYSTEM = (SYS_DESCR, SYS_OBJECT_ID, SYS_UPTIME, SYS_NAME)

# IF-MIB ifTable / ifXTable columns, keyed by the InterfaceReading field they fill.
_IF = "1.3.6.1.2.1.2.2.1."
_IFX = "1.3.6.1.2.1.31.1.1.1."
IF_COLUMNS: dict[str, str] = {
    "descr": _IF + "2",
    "if_speed": _IF + "5",
    "admin_status": _IF + "7",
    "oper_status": _IF + "8",
    "in_discards": _IF + "13",
    "in_errors": _IF + "14",
    "out_discards": _IF + "19",
    "out_errors": _IF + "20",
    "name": _IFX + "1",
    "in_octets": _IFX + "6",  # ifHCInOctets
    "out_octets": _IFX + "10",  # ifHCOutOctets
    "high_speed": _IFX + "15",  # Mbit/s
    "alias": _IFX + "18",
}

# HOST-RESOURCES-MIB: per-processor load and the storage table (RAM rows by type).
HR_PROCESSOR_LOAD = "1.3.6.1.2.1.25.3.3.1.2"
HR_STORAGE_TYPE = "1.3.6.1.2.1.25.2.3.1.2"
HR_STORAGE_SIZE = "1.3.6.1.2.1.25.2.3.1.5"
HR_STORAGE_USED = "1.3.6.1.2.1.25.2.3.1.6"
HR_STORAGE_RAM = "1.3.6.1.2.1.25.2.1.2"
CPU_MEM_COLUMNS = (HR_PROCESSOR_LOAD, HR_STORAGE_TYPE, HR_STORAGE_SIZE, HR_STORAGE_USED)
