"""SNMP and ICMP monitoring: poll profiles, the poller, samples, rollups, state, availability."""
