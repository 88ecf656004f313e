"""Events from polls, traps, syslog, jobs and webhooks become deduplicated, suppressed alarms."""
