"""Trap and syslog receivers: decoding (snmp, v3, syslog), source mapping, the asyncio service."""
