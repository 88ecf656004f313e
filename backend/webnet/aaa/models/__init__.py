"""AAA models: FreeRADIUS's rlm_sql tables, the NAS registry and sessions."""

from webnet.aaa.models.radius import (  # noqa: F401
    CoaAttempt,
    Nas,
    RadAcct,
    RadCheck,
    RadGroupCheck,
    RadGroupReply,
    RadPostAuth,
    RadReply,
    RadUserGroup,
)
