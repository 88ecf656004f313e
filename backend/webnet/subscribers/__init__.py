"""Subscribers and their services, provisioned to devices and to FreeRADIUS."""
