"""Show-command output per vendor, generated from a device's live state."""
