/*
 * JobLog — a job's live log: streams lines over the job's WebSocket, follows the tail, filters by
 * device and level, and tells the page when the job finishes.
 *
 * Props: { jobId, wsPath, logsUrl, jobUrl?, finished, status?, clock? } (see JobLogProps)
 *
 * Times are shown like the page's (`clock`: the user's zone, see ../clock.ts). The job's counts
 * are not repeated here: the page header holds the one per-device counter.
 *
 * The database is the truth and the socket is a hint: every line carries a gap-free `seq`, so the
 * island remembers the last seq it holds, ignores anything at or below it (no duplicates), and on
 * reconnect resumes with ?after_seq=<last> (no gaps). If the socket cannot connect at all, it
 * polls the REST endpoint `logsUrl?after_seq=<last>` instead while it keeps retrying (exponential
 * backoff). A finished job is loaded over REST only. When a running job finishes it dispatches
 * `webnet:job-finished` on <body> (HTMX listens with hx-trigger="webnet:job-finished from:body").
 */
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";

import { type Clock, formatWhen } from "../clock";

export type LogLine = {
  seq: number;
  time: string;
  level: string;
  device: number | null;
  hostname: string;
  message: string;
  extra?: Record<string, unknown>;
};

export type JobState = {
  id: number;
  status: string;
  total: number;
  succeeded: number;
  failed: number;
  cancelled: number;
};

export type JobLogProps = {
  jobId: number;
  wsPath: string;
  logsUrl: string;
  /** REST job detail, read for status and counts while polling. */
  jobUrl?: string;
  finished: boolean;
  status?: string;
  clock?: Clock;
};

type Connection = "connecting" | "live" | "polling" | "reconnecting" | "done" | "error";

export const MAX_LINES = 5000;
const FINISHED = new Set(["success", "partial", "failed", "cancelled"]);
const LEVELS = ["debug", "info", "warning", "error"];
const LEVEL_CLASS: Record<string, string> = {
  debug: "text-slate-500",
  info: "text-sky-300",
  warning: "text-amber-300",
  error: "text-red-400",
};
const POLL_MS = 2000;
const REST_PAGE = 1000;
const BACKOFF_START_MS = 500;
const BACKOFF_MAX_MS = 30000;
const FAILS_BEFORE_POLLING = 2;
const CLOSE_NOT_FOUND = 4404;
const CLOSE_UNAUTHENTICATED = 4401;
const JOB_LEVEL = "\u0000job"; // the device filter's value for lines that are about the job itself

export const FINISHED_EVENT = "webnet:job-finished";

/** Keep lines with seq above `last`, in order, deduplicated; returns them and the new last seq. */
export function freshLines(lines: LogLine[], last: number): { fresh: LogLine[]; last: number } {
  const fresh: LogLine[] = [];
  for (const line of [...lines].sort((a, b) => a.seq - b.seq)) {
    if (typeof line.seq !== "number" || line.seq <= last) continue;
    fresh.push(line);
    last = line.seq;
  }
  return { fresh, last };
}

export function backoffDelay(attempt: number): number {
  const base = Math.min(BACKOFF_MAX_MS, BACKOFF_START_MS * 2 ** attempt);
  return base / 2 + Math.random() * (base / 2);
}

function socketUrl(path: string, afterSeq: number): string {
  const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${window.location.host}${path}?after_seq=${afterSeq}`;
}

const STATUS_BADGE: Record<string, string> = {
  success: "badge badge-green",
  failed: "badge badge-red",
  partial: "badge badge-yellow",
  running: "badge bg-sky-50 text-sky-700 ring-sky-600/20",
};

export function JobLog({ jobId, wsPath, logsUrl, jobUrl, finished, status, clock }: JobLogProps) {
  const [lines, setLines] = useState<LogLine[]>([]);
  const [received, setReceived] = useState(0);
  const [job, setJob] = useState<Partial<JobState>>({ id: jobId, status: status ?? "" });
  const [connection, setConnection] = useState<Connection>(finished ? "done" : "connecting");
  const [follow, setFollow] = useState(true);
  const [device, setDevice] = useState("");
  const [minLevel, setMinLevel] = useState("debug");
  const [hostnames, setHostnames] = useState<string[]>([]);
  const lastSeq = useRef(0);
  const scroller = useRef<HTMLDivElement>(null);
  const announced = useRef(finished);

  const append = useCallback((incoming: LogLine[]) => {
    const { fresh, last } = freshLines(incoming, lastSeq.current);
    if (fresh.length === 0) return;
    lastSeq.current = last;
    setReceived((n) => n + fresh.length);
    setLines((held) => {
      const all = held.concat(fresh);
      return all.length > MAX_LINES ? all.slice(all.length - MAX_LINES) : all;
    });
    setHostnames((seen) => {
      const names = new Set(seen);
      let changed = false;
      for (const line of fresh) {
        if (line.hostname && !names.has(line.hostname)) {
          names.add(line.hostname);
          changed = true;
        }
      }
      return changed ? Array.from(names).sort() : seen;
    });
  }, []);

  const onStatus = useCallback((state: JobState) => {
    setJob(state);
    if (FINISHED.has(state.status) && !announced.current) {
      announced.current = true;
      document.body.dispatchEvent(new CustomEvent(FINISHED_EVENT, { bubbles: true, detail: state }));
    }
  }, []);

  useEffect(() => {
    let stopped = false;
    let socket: WebSocket | null = null;
    let retryTimer: number | undefined;
    let pollTimer: number | undefined;
    let attempt = 0;
    let failures = 0; // consecutive attempts that never opened
    let polling = false;
    let done = finished;

    /** Fetch every stored line after the last seq (paged); true when the job has finished. */
    const fetchRest = async (): Promise<boolean> => {
      for (;;) {
        const url = `${logsUrl}?after_seq=${lastSeq.current}`;
        const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
        if (!response.ok) throw new Error(`${response.status} ${response.statusText}`);
        const page = (await response.json()) as { lines: LogLine[]; last_seq: number; finished: boolean };
        if (stopped) return true;
        const before = lastSeq.current;
        append(page.lines);
        // A short page is the end; a full one means more are stored (the API pages by 1,000).
        if (page.lines.length < REST_PAGE || lastSeq.current === before) return page.finished;
      }
    };

    const fetchJob = async (): Promise<JobState | null> => {
      if (!jobUrl) return null;
      const response = await fetch(jobUrl, { credentials: "same-origin", headers: { Accept: "application/json" } });
      return response.ok ? ((await response.json()) as JobState) : null;
    };

    const finish = async () => {
      if (done) return;
      done = true;
      polling = false;
      window.clearTimeout(pollTimer);
      window.clearTimeout(retryTimer);
      // Lines flushed just before the final status may still be in flight: catch up over REST.
      try {
        await fetchRest();
      } catch {
        /* the socket already delivered what it had */
      }
      socket?.close(1000);
      if (!stopped) setConnection("done");
    };

    const poll = async () => {
      if (stopped || done || !polling) return;
      try {
        const isFinished = await fetchRest();
        const state = await fetchJob().catch(() => null);
        if (state && !stopped) onStatus(state);
        if (isFinished) {
          if (!announced.current) {
            announced.current = true;
            document.body.dispatchEvent(new CustomEvent(FINISHED_EVENT, { bubbles: true, detail: { id: jobId } }));
          }
          await finish();
          return;
        }
      } catch {
        /* keep polling: the server may be restarting */
      }
      if (!stopped && !done && polling) pollTimer = window.setTimeout(poll, POLL_MS);
    };

    const startPolling = () => {
      if (polling || done) return;
      polling = true;
      setConnection("polling");
      void poll();
    };

    const connect = () => {
      if (stopped || done) return;
      let opened = false;
      const ws = new WebSocket(socketUrl(wsPath, lastSeq.current));
      socket = ws;
      ws.onopen = () => {
        opened = true;
        attempt = 0;
        failures = 0;
        polling = false;
        window.clearTimeout(pollTimer);
        setConnection("live");
      };
      ws.onmessage = (event) => {
        let message: { type?: string; lines?: LogLine[]; job?: JobState };
        try {
          message = JSON.parse(event.data as string);
        } catch {
          return;
        }
        if (message.type === "lines" && Array.isArray(message.lines)) append(message.lines);
        if (message.type === "status" && message.job) {
          onStatus(message.job);
          if (FINISHED.has(message.job.status)) void finish();
        }
      };
      ws.onclose = (event) => {
        if (socket === ws) socket = null;
        if (stopped || done) return;
        if (event.code === CLOSE_NOT_FOUND || event.code === CLOSE_UNAUTHENTICATED) {
          setConnection("error");
          return;
        }
        if (!opened) failures += 1;
        if (failures >= FAILS_BEFORE_POLLING) startPolling();
        else setConnection("reconnecting");
        retryTimer = window.setTimeout(connect, backoffDelay(attempt++));
      };
    };

    if (finished) {
      fetchRest()
        .then(() => !stopped && setConnection("done"))
        .catch(() => !stopped && setConnection("error"));
      fetchJob()
        .then((state) => state && !stopped && onStatus(state))
        .catch(() => undefined);
    } else if (typeof WebSocket === "undefined") {
      startPolling();
    } else {
      connect();
    }

    return () => {
      stopped = true;
      window.clearTimeout(retryTimer);
      window.clearTimeout(pollTimer);
      socket?.close(1000);
    };
  }, [jobId, wsPath, logsUrl, jobUrl, finished, append, onStatus]);

  const visible = useMemo(() => {
    const floor = LEVELS.indexOf(minLevel);
    return lines.filter((line) => {
      if (device === JOB_LEVEL ? line.hostname !== "" : device !== "" && line.hostname !== device) return false;
      const rank = LEVELS.indexOf(line.level);
      return rank === -1 || rank >= floor;
    });
  }, [lines, device, minLevel]);

  useLayoutEffect(() => {
    const el = scroller.current;
    if (follow && el) el.scrollTop = el.scrollHeight;
  }, [visible, follow]);

  const onScroll = () => {
    const el = scroller.current;
    if (!el) return;
    const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
    if (atBottom !== follow) setFollow(atBottom);
  };

  const dropped = received - lines.length;
  const statusText = job.status || "…";
  const connectionText: Record<Connection, string> = {
    connecting: "connecting…",
    live: "live",
    polling: "polling (live connection unavailable)",
    reconnecting: "reconnecting…",
    done: "complete",
    error: "unavailable",
  };

  return (
    <div className="flex flex-col" data-job-log={jobId}>
      <div className="flex flex-wrap items-center gap-3 border-b border-slate-200 px-4 py-2 text-sm">
        <h2 className="font-semibold text-slate-900">Log</h2>
        <span className={STATUS_BADGE[statusText] ?? "badge badge-gray"} data-log-status={statusText}>
          {statusText}
        </span>
        <span className="text-xs text-slate-500" data-connection={connection}>
          {connectionText[connection]}
        </span>
        <span className="ml-auto flex flex-wrap items-center gap-2">
          <label className="sr-only" htmlFor={`log-device-${jobId}`}>
            Device
          </label>
          <select
            id={`log-device-${jobId}`}
            className="input w-auto py-1 text-xs"
            value={device}
            onChange={(e) => setDevice(e.target.value)}
          >
            <option value="">All devices</option>
            <option value={JOB_LEVEL}>Job only</option>
            {hostnames.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
          <label className="sr-only" htmlFor={`log-level-${jobId}`}>
            Level
          </label>
          <select
            id={`log-level-${jobId}`}
            className="input w-auto py-1 text-xs"
            value={minLevel}
            onChange={(e) => setMinLevel(e.target.value)}
          >
            <option value="debug">All levels</option>
            <option value="info">Info and above</option>
            <option value="warning">Warnings and errors</option>
            <option value="error">Errors only</option>
          </select>
          <label className="flex items-center gap-1 text-xs text-slate-700">
            <input
              type="checkbox"
              className="form-checkbox h-4 w-4 rounded border-slate-300 text-sky-700"
              checked={follow}
              onChange={(e) => setFollow(e.target.checked)}
            />
            Follow
          </label>
        </span>
      </div>
      {dropped > 0 && (
        <p className="border-b border-slate-200 bg-amber-50 px-4 py-1 text-xs text-amber-900">
          Showing the last {MAX_LINES.toLocaleString()} lines; {dropped.toLocaleString()} earlier line(s) are stored and
          available from <a className="underline" href={logsUrl}>the log API</a>.
        </p>
      )}
      <div
        ref={scroller}
        onScroll={onScroll}
        className="h-[28rem] overflow-auto rounded-b-lg bg-slate-950 px-3 py-2 font-mono text-xs leading-5 text-slate-200"
        role="log"
        aria-live="off"
      >
        {visible.length === 0 ? (
          <p className="text-slate-500">{connection === "done" ? "No log lines." : "Waiting for log lines…"}</p>
        ) : (
          visible.map((line) => (
            <div key={line.seq} className="whitespace-pre-wrap break-all" data-seq={line.seq}>
              <span className="text-slate-500" data-time>
                {formatWhen(line.time, clock)}
              </span>{" "}
              <span className={`inline-block w-16 uppercase ${LEVEL_CLASS[line.level] ?? ""}`}>{line.level}</span>{" "}
              {line.hostname && <span className="text-emerald-300">{line.hostname} </span>}
              <span>{line.message}</span>
            </div>
          ))
        )}
      </div>
    </div>
  );
}
