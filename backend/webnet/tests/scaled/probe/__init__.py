"""A test-only app for the scaled-out suite: a destructive job kind that counts its executions."""
