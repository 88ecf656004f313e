"""AAA models: FreeRADIUS's rlm_sql tables, the NAS registry and sessions."""
