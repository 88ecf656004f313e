"""The poller core: pure asyncio SNMP and ICMP reads (no Django, no ORM), one result per device."""
