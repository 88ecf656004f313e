"""webnet device lab: a simulated multi-vendor network that real SSH clients can drive.

No Django here (an import-linter contract enforces it): stdlib, asyncssh and PyYAML only.

    from webnet.lab import Fleet, LabServer, write_inventory_csv

    fleet = Fleet.generate(count=50, platforms="cisco_ios:2,arista_eos:1,juniper_junos:1", seed=1)
    async with LabServer(fleet) as lab:
        write_inventory_csv(lab.devices, "lab.csv")
"""

from .faults import FaultPlan, Faults, parse_fault
from .fleet import DeviceSpec, Fleet
from .inventory import INVENTORY_HEADER, write_inventory_csv
from .platforms import NTC_PLATFORM, PLATFORMS
from .server import LabDevice, LabServer

__all__ = [
    "INVENTORY_HEADER",
    "NTC_PLATFORM",
    "PLATFORMS",
    "DeviceSpec",
    "FaultPlan",
    "Faults",
    "Fleet",
    "LabDevice",
    "LabServer",
    "parse_fault",
    "write_inventory_csv",
]
