"""AAA: FreeRADIUS's SQL tables owned by webnet, the NAS registry, sessions, CoA and Disconnect."""
