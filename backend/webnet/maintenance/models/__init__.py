"""Maintenance models: one submodule per concern (windows and freezes, announcements, status page).

Each submodule's models are re-exported here so Django finds them in ``webnet.maintenance.models``.
"""

from webnet.maintenance.models.announcements import (  # noqa: F401
    Announcement,
    AnnouncementUpdate,
    StatusPage,
)
from webnet.maintenance.models.windows import (  # noqa: F401
    Behaviour,
    CalendarToken,
    FreezeMode,
    FreezeWindow,
    MaintenanceWindow,
    ScheduledChange,
    ScheduledStatus,
    WindowStatus,
)
