"""Per-device SNMP agents (v2c and v3 USM), traps and syslog for the lab; see agent.py."""

from .agent import DeviceAgent, SnmpOptions, start_agent

__all__ = ["DeviceAgent", "SnmpOptions", "start_agent"]
