"""WebSockets: a job's live log (/ws/jobs/<id>/) and live status updates (/ws/updates/).

Both admit the session user by the same rules as HTTP (api.ws_guard) and pass the same gate as
the REST API: another customer's job is refused exactly like a missing one. While open they
re-check both, and close (or, for updates, follow the user's customers) when access changes.
The log consumer joins the job's group first, then replays stored lines after `after_seq`, then
forwards broadcasts — skipping any seq already sent, so a client sees every line once and in
order.
"""

from typing import Any
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from webnet.api.ws_guard import CLOSE_NOT_FOUND, GuardedConsumer
from webnet.config_mgmt.redact import Redactor, mask_value
from webnet.core import broadcasts
from webnet.core.numbers import parse_int
from webnet.customers.models import Customer
from webnet.jobs.lifecycle import log_line
from webnet.jobs.models import Job, JobLog

REPLAY_BATCH = 1000


def _query_int(scope: dict[str, Any], name: str) -> int:
    values = parse_qs(scope.get("query_string", b"").decode()).get(name, ["0"])
    return parse_int(values[0]) or 0


@database_sync_to_async
def _visible_job(user: Any, job_id: int) -> Job | None:
    return Job.objects.restrict(user, "view").filter(pk=job_id).first()


@database_sync_to_async
def _stored_lines(job: Job, after: int) -> list[dict[str, Any]]:
    rows = (
        JobLog.objects.for_customer(job.customer_id)
        .filter(job=job, seq__gt=after)
        .order_by("seq")[:REPLAY_BATCH]
    )
    return [log_line(row) for row in rows]


@database_sync_to_async
def _job_state(job: Job) -> dict[str, Any]:
    job.refresh_from_db()
    return broadcasts.job_status_message(job)["job"]


class JobLogsConsumer(GuardedConsumer, AsyncJsonWebsocketConsumer):
    async def connect(self) -> None:
        user = await self.admit()
        if user is None:
            return
        self.job = await _visible_job(user, int(self.scope["url_route"]["kwargs"]["job_id"]))
        if self.job is None:
            await self.revoke(CLOSE_NOT_FOUND, "Job not found.")
            return
        # Lines may quote configuration (errors, deploy steps): masked unless the user is admin.
        sees = database_sync_to_async(Redactor(user).sees_secrets)
        self.sees_secrets = await sees(self.job.customer_id)
        self.sent_seq = _query_int(self.scope, "after_seq")
        self.group = broadcasts.job_group(self.job.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self._replay()
        await self.send_json({"type": "status", "job": await _job_state(self.job)})

    async def _replay(self) -> None:
        while True:
            lines = await _stored_lines(self.job, self.sent_seq)
            if not lines:
                return
            await self._send_lines(lines)
            if len(lines) < REPLAY_BATCH:
                return

    async def _send_lines(self, lines: list[dict[str, Any]]) -> None:
        fresh = [line for line in lines if line["seq"] > self.sent_seq]
        if not fresh:
            return
        if fresh[0]["seq"] != self.sent_seq + 1:
            await self._replay()  # a broadcast was missed: fill the gap from the database
            fresh = [line for line in lines if line["seq"] > self.sent_seq]
            if not fresh:
                return
        self.sent_seq = fresh[-1]["seq"]
        shown = fresh if self.sees_secrets else [mask_value(line) for line in fresh]
        await self.send_json({"type": "lines", "lines": shown})

    async def still_allowed(self, user: Any) -> bool:
        return await _visible_job(user, self.job.pk) is not None

    async def disconnect(self, code: int) -> None:
        await self.leave_guard()
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        """Clients may ask to resume: {"after_seq": N}."""
        if isinstance(content, dict) and isinstance(content.get("after_seq"), int):
            self.sent_seq = max(content["after_seq"], 0)
            await self._replay()

    async def job_log(self, event: dict[str, Any]) -> None:
        await self._send_lines(event["lines"])

    async def job_status(self, event: dict[str, Any]) -> None:
        # Lines dropped by the channel layer (a full channel, Redis restarting) leave no later
        # line to reveal the gap: catch up from the database before saying the job ended.
        await self._replay()
        await self.send_json({"type": "status", "job": event["job"]})


@database_sync_to_async
def _visible_customer_ids(user: Any) -> list[int]:
    return list(Customer.objects.restrict(user, "view").values_list("pk", flat=True))


class UpdatesConsumer(GuardedConsumer, AsyncJsonWebsocketConsumer):
    """Job and device status changes of every customer the user may see (as that set changes),
    and the user's own inbox."""

    groups_joined: frozenset[str] = frozenset()

    async def connect(self) -> None:
        user = await self.admit()
        if user is None:
            return
        await self.still_allowed(user)
        self.inbox = broadcasts.inbox_group(user.pk)
        await self.channel_layer.group_add(self.inbox, self.channel_name)
        await self.accept()

    async def still_allowed(self, user: Any) -> bool:
        """Follow the gate: join customers the user now sees, leave those they no longer do."""
        wanted = frozenset(
            broadcasts.customer_group(cid) for cid in await _visible_customer_ids(user)
        )
        for group in wanted - self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        for group in self.groups_joined - wanted:
            await self.channel_layer.group_discard(group, self.channel_name)
        self.groups_joined = wanted
        return True

    async def disconnect(self, code: int) -> None:
        await self.leave_guard()
        for group in self.groups_joined:
            await self.channel_layer.group_discard(group, self.channel_name)
        if hasattr(self, "inbox"):
            await self.channel_layer.group_discard(self.inbox, self.channel_name)

    async def job_status(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "job", "job": event["job"]})

    async def device_status(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "device", "device": event["device"]})

    async def inbox_update(self, event: dict[str, Any]) -> None:
        """The user's own new notifications and unread count (their group, nobody else's)."""
        await self.send_json({"type": "inbox", "items": event["items"], "unread": event["unread"]})
