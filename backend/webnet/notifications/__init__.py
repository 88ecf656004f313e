"""The outbox: alarm changes delivered once per sink (email, webhooks, chat, the in-app inbox)."""
