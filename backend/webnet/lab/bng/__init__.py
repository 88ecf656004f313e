"""A BNG/NAS for the lab: subscribers authenticate against a real RADIUS server (FreeRADIUS),
their sessions send accounting, and CoA/Disconnect requests change or end them (RFC 5176)."""

from .nas import Bng, BngOptions, Session

__all__ = ["Bng", "BngOptions", "Session"]
