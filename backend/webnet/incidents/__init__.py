"""Incidents: SLA clocks on business-hours calendars (the models, escalation and rooms follow)."""
