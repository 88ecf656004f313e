"""WebSockets: a job's live log (/ws/jobs/<id>/) and live status updates (/ws/updates/).

Both admit the session user by the same rules as HTTP (api.ws_guard) and pass the same gate as
the REST API: another customer's job is refused exactly like a missing one. While open they
re-check both, and close (or, for updates, follow the user's customers) when access changes.
The log consumer joins the job's group first, then replays stored lines after `after_seq`, then
forwards broadcasts — skipping any seq already sent, so a client sees every line once and in
order.

The database is the truth, the socket is a hint: with the in-memory channel layer (embedded
mode) the job worker is another process whose broadcasts never arrive here, so while a job
runs both consumers also poll the database every WEBNET_WS_POLL_SECONDS — the log consumer by
one primary-key read of the job (its status and last seq; the lines after `sent_seq` only when
that moved), the updates consumer by one read of its customers' active jobs (and, while any
runs, the result rows stored since its last poll, for device status). Polls and broadcasts go
through the same handlers, so nothing is sent twice.
"""

import asyncio
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.layers import InMemoryChannelLayer
from django.conf import settings
from django.db.models import Q, QuerySet

from webnet.alarms.models import Alarm, Event
from webnet.alarms.notify import alarm_message
from webnet.api.ws_guard import CLOSE_NOT_FOUND, GuardedConsumer
from webnet.config_mgmt.redact import Redactor, mask_value
from webnet.core import access, broadcasts
from webnet.core.numbers import parse_int
from webnet.customers.models import Customer
from webnet.devices.models import Device
from webnet.jobs.lifecycle import log_line
from webnet.jobs.models import Job, JobDeviceResult, JobLog, JobStatus
from webnet.notifications import inbox
from webnet.notifications.models import InboxItem

REPLAY_BATCH = 1000
ACTIVE = (JobStatus.QUEUED, JobStatus.RUNNING)
POLL = {"type": "db.poll"}
STATE_FIELDS = ("customer_id", "kind", "status", "total", "succeeded", "failed", "cancelled")


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


@database_sync_to_async
def _job_progress(job_id: int) -> tuple[dict[str, Any], int]:
    """(the job's wire state, its last stored seq): one read by primary key."""
    job = Job.objects.only(*STATE_FIELDS, "log_seq").get(pk=job_id)
    return broadcasts.job_status_message(job)["job"], job.log_seq


class DatabasePoll(AsyncJsonWebsocketConsumer):
    """A timer that queues `db.poll` on the socket's own channel (handled in turn with its
    broadcasts), only where broadcasts from other processes cannot arrive."""

    _poll_timer: asyncio.Task | None = None

    def start_polling(self) -> None:
        if isinstance(self.channel_layer, InMemoryChannelLayer) and self._poll_timer is None:
            self._poll_timer = asyncio.create_task(self._poll_ticks())

    def stop_polling(self) -> None:
        if self._poll_timer is not None:
            self._poll_timer.cancel()
            self._poll_timer = None

    async def _poll_ticks(self) -> None:
        while True:
            await asyncio.sleep(settings.WEBNET_WS_POLL_SECONDS)
            await self.channel_layer.send(self.channel_name, dict(POLL))


class JobLogsConsumer(GuardedConsumer, DatabasePoll):
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
        await self._send_status(await _job_state(self.job))
        if self.shown["status"] in ACTIVE:
            self.start_polling()

    async def _send_status(self, state: dict[str, Any]) -> None:
        self.shown = state
        await self.send_json({"type": "status", "job": state})

    async def db_poll(self, event: dict[str, Any]) -> None:
        state, last_seq = await _job_progress(self.job.pk)
        if last_seq > self.sent_seq:
            await self._replay()
        if state != self.shown:
            await self._send_status(state)
        if state["status"] not in ACTIVE:
            self.stop_polling()

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
        self.stop_polling()
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
        await self._send_status(event["job"])


@dataclass(frozen=True)
class Visible:
    """What the gate lets the user see, asked once per (re-)check: the querysets hold the
    customer ids it answered, so a poll costs no membership query."""

    customer_ids: frozenset[int]
    jobs: QuerySet[Job]
    devices: QuerySet[Device]
    results: QuerySet[JobDeviceResult]
    alarms: QuerySet[Alarm]
    events: QuerySet[Event]


@database_sync_to_async
def _visible(user: Any) -> Visible:
    return Visible(
        frozenset(Customer.objects.restrict(user, "view").values_list("pk", flat=True)),
        Job.objects.restrict(user, "view"),
        Device.objects.restrict(user, "view"),
        JobDeviceResult.objects.restrict(user, "view"),
        Alarm.objects.restrict(user, "view"),
        Event.objects.restrict(user, "view"),
    )


@database_sync_to_async
def _last_result_pk() -> int:
    return JobDeviceResult.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


@database_sync_to_async
def _changes(
    visible: Visible, tracked: set[int], after_result: int
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], int]:
    """(states of the customers' active jobs and of `tracked` ones, devices of the result rows
    stored after `after_result` while a job is active, the last result pk read)."""
    jobs = [
        broadcasts.job_status_message(job)["job"]
        for job in visible.jobs.filter(Q(status__in=ACTIVE) | Q(pk__in=tracked)).only(*STATE_FIELDS)
    ]
    if not jobs:
        return [], [], after_result
    rows = list(
        visible.results.filter(pk__gt=after_result, device__isnull=False)
        .order_by("pk")
        .values_list(
            "pk", "device_id", "device__customer_id", "device__hostname", "device__status"
        )[:REPLAY_BATCH]
    )
    devices = [
        {"id": device, "customer": customer, "hostname": hostname, "status": status}
        for _, device, customer, hostname, status in rows
    ]
    return jobs, devices, rows[-1][0] if rows else after_result


@database_sync_to_async
def _last_event_pk() -> int:
    return Event.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


@database_sync_to_async
def _alarm_changes(visible: Visible, after_event: int) -> tuple[list[dict[str, Any]], int]:
    """Alarms that events stored after `after_event` touched (the receivers and the poller run
    in the worker process: their broadcasts never reach this one), and the last event pk read."""
    rows = list(
        visible.events.filter(pk__gt=after_event, alarm__isnull=False)
        .order_by("pk")
        .values_list("pk", "alarm_id")[:REPLAY_BATCH]
    )
    if not rows:
        return [], after_event
    alarms = visible.alarms.filter(pk__in={alarm for _, alarm in rows})
    return [alarm_message(alarm, "updated") for alarm in alarms], rows[-1][0]


@database_sync_to_async
def _last_inbox_pk(user_id: int) -> int:
    return (
        InboxItem.objects.filter(user_id=user_id)
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
        or 0
    )


@database_sync_to_async
def _inbox_changes(user_id: int, after: int) -> tuple[dict[str, Any] | None, int]:
    """The user's inbox items stored after `after`, as an inbox.update message with the unread
    count (None when there are none), and the last pk read. The embedded delivery loop stores
    them in the job worker process: its push never reaches this process's sockets."""
    items = list(
        InboxItem.objects.filter(user_id=user_id, pk__gt=after).order_by("pk")[:REPLAY_BATCH]
    )
    if not items:
        return None, after
    message = {
        "items": [inbox.item_data(item) for item in items],
        "unread": inbox.unread_count(user_id),
    }
    return message, items[-1].pk


@database_sync_to_async
def _scoped_customer_ids(user: Any) -> frozenset[int]:
    return frozenset(access.location_scopes(user))


@database_sync_to_async
def _holds(rows: QuerySet, pk: int) -> bool:
    return rows.filter(pk=pk).exists()


class UpdatesConsumer(GuardedConsumer, DatabasePoll):
    """Job, device and alarm changes of every customer the user may see (as that set changes),
    and the user's own inbox."""

    groups_joined: frozenset[str] = frozenset()
    # Customers where the user's membership is limited to a location subtree: their job,
    # device and alarm messages pass the gate one by one (the customer group carries the
    # whole customer's).
    scoped: frozenset[int] = frozenset()
    visible: Visible

    async def connect(self) -> None:
        user = await self.admit()
        if user is None:
            return
        await self.still_allowed(user)
        # What the client knows or was told: polls send only what differs from it.
        self.jobs: dict[int, dict[str, Any]] = {}
        self.devices: dict[int, str] = {}
        self.after_result = await _last_result_pk()
        self.after_event = await _last_event_pk()
        self.inbox = broadcasts.inbox_group(user.pk)
        self.user_id = user.pk
        self.after_inbox = await _last_inbox_pk(user.pk)
        await self.channel_layer.group_add(self.inbox, self.channel_name)
        await self.accept()
        if isinstance(self.channel_layer, InMemoryChannelLayer):
            jobs, _, _ = await _changes(self.visible, set(), self.after_result)
            self.jobs = {job["id"]: job for job in jobs}
            self.start_polling()

    async def db_poll(self, event: dict[str, Any]) -> None:
        jobs, devices, self.after_result = await _changes(
            self.visible,
            {pk for pk, job in self.jobs.items() if job["status"] in ACTIVE},
            self.after_result,
        )
        for device in devices:  # results are stored before the job's final status
            if self.devices.get(device["id"]) != device["status"]:
                await self.device_status({"device": device})
        for job in jobs:
            if self.jobs.get(job["id"]) != job:
                await self.job_status({"job": job})
        self.jobs = {pk: job for pk, job in self.jobs.items() if job["status"] in ACTIVE}
        alarms, self.after_event = await _alarm_changes(self.visible, self.after_event)
        for message in alarms:
            await self.alarm_change(message)
        news, self.after_inbox = await _inbox_changes(self.user_id, self.after_inbox)
        if news is not None:
            await self.inbox_update(news)

    async def still_allowed(self, user: Any) -> bool:
        """Follow the gate: join customers the user now sees, leave those they no longer do."""
        self.visible = await _visible(user)
        wanted = frozenset(broadcasts.customer_group(cid) for cid in self.visible.customer_ids)
        for group in wanted - self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        for group in self.groups_joined - wanted:
            await self.channel_layer.group_discard(group, self.channel_name)
        self.groups_joined = wanted
        self.scoped = await _scoped_customer_ids(user)
        return True

    async def disconnect(self, code: int) -> None:
        self.stop_polling()
        await self.leave_guard()
        for group in self.groups_joined:
            await self.channel_layer.group_discard(group, self.channel_name)
        if hasattr(self, "inbox"):
            await self.channel_layer.group_discard(self.inbox, self.channel_name)

    async def _in_scope(self, rows: QuerySet, item: dict[str, Any]) -> bool:
        return item["customer"] not in self.scoped or await _holds(rows, item["id"])

    async def job_status(self, event: dict[str, Any]) -> None:
        if not await self._in_scope(self.visible.jobs, event["job"]):
            return
        self.jobs[event["job"]["id"]] = event["job"]
        await self.send_json({"type": "job", "job": event["job"]})

    async def device_status(self, event: dict[str, Any]) -> None:
        device = event["device"]
        if not await self._in_scope(self.visible.devices, device):
            return
        self.devices[device["id"]] = device["status"]
        await self.send_json({"type": "device", "device": device})

    async def alarm_change(self, event: dict[str, Any]) -> None:
        """The alarms topic: an alarm of one of the user's customers changed (alarms/notify.py)."""
        if not await self._in_scope(self.visible.alarms, event["alarm"]):
            return
        await self.send_json({"type": "alarm", "change": event["change"], "alarm": event["alarm"]})

    async def inbox_update(self, event: dict[str, Any]) -> None:
        """The user's own new notifications and unread count (their group, nobody else's)."""
        # What the poll has sent need not be sent again (a push and a poll in one process).
        self.after_inbox = max([self.after_inbox, *(item["id"] for item in event["items"])])
        await self.send_json({"type": "inbox", "items": event["items"], "unread": event["unread"]})
