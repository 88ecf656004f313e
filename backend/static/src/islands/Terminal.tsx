/*
 * Terminal — an xterm.js SSH terminal to one device over /ws/devices/<id>/ssh/.
 *
 * Props: { wsPath, hostname, deviceUrl }
 *
 * Binary frames carry terminal bytes both ways (keystrokes, paste and Ctrl-C go out as typed);
 * text frames are JSON: the server sends {type: "status", state, message}, the island sends
 * {type: "resize", cols, rows} whenever the fitted size changes. The credential never comes here:
 * the server logs in. Closing the tab closes the socket, and the server closes the device session.
 *
 * TranscriptReplay — plays back a stored session (admins): the device's output into a read-only
 * terminal with its timing, and the lines typed beside it.
 * Props: { hostname, transcript: [{t, line, masked} | {t, out}] }
 */
import { FitAddon } from "@xterm/addon-fit";
import { Terminal as XTerm } from "@xterm/xterm";
import "@xterm/xterm/css/xterm.css";
import { useEffect, useRef, useState } from "react";

export type TerminalProps = { wsPath: string; hostname: string; deviceUrl?: string };

type Status = { state: string; message: string };

function socketUrl(path: string, cols: number, rows: number): string {
  const proto = window.location.protocol === "https:" ? "wss:" : "ws:";
  return `${proto}//${window.location.host}${path}?cols=${cols}&rows=${rows}`;
}

const CLOSE_TEXT: Record<number, string> = {
  4401: "Sign in again to open a terminal.",
  4403: "Your role does not allow a terminal on this device.",
  4404: "Device not found.",
};

export function Terminal({ wsPath, hostname, deviceUrl }: TerminalProps) {
  const box = useRef<HTMLDivElement>(null);
  const [status, setStatus] = useState<Status>({ state: "connecting", message: `Connecting to ${hostname}…` });
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const term = new XTerm({
      cursorBlink: true,
      convertEol: false,
      fontFamily: "ui-monospace, SFMono-Regular, Menlo, Consolas, monospace",
      fontSize: 14,
      scrollback: 5000,
      theme: { background: "#0f172a" },
    });
    const fit = new FitAddon();
    term.loadAddon(fit);
    term.open(el);
    fit.fit();
    const ws = new WebSocket(socketUrl(wsPath, term.cols, term.rows));
    ws.binaryType = "arraybuffer";
    const encoder = new TextEncoder();
    let closedByServer = false;

    ws.onmessage = (event) => {
      if (event.data instanceof ArrayBuffer) {
        term.write(new Uint8Array(event.data));
        return;
      }
      try {
        const msg = JSON.parse(event.data as string);
        if (msg.type === "status") {
          setStatus({ state: msg.state, message: msg.message });
          if (msg.state === "closed") {
            closedByServer = true;
            term.write(`\r\n\x1b[33m${msg.message}\x1b[0m\r\n`);
          }
        }
      } catch {
        /* not a control message: ignore */
      }
    };
    ws.onclose = (event) => {
      if (!closedByServer) {
        const message = CLOSE_TEXT[event.code] || "The connection was closed.";
        setStatus({ state: "closed", message });
        term.write(`\r\n\x1b[33m${message}\x1b[0m\r\n`);
      } else {
        setStatus((s) => ({ ...s, state: "closed" }));
      }
    };
    const send = (data: string) => {
      if (ws.readyState === WebSocket.OPEN) ws.send(encoder.encode(data));
    };
    const onData = term.onData(send);
    const onBinary = term.onBinary((data) => {
      if (ws.readyState === WebSocket.OPEN) ws.send(Uint8Array.from(data, (c) => c.charCodeAt(0)));
    });
    const onResize = term.onResize(({ cols, rows }) => {
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: "resize", cols, rows }));
    });
    const observer = new ResizeObserver(() => fit.fit());
    observer.observe(el);
    term.focus();
    return () => {
      observer.disconnect();
      onData.dispose();
      onBinary.dispose();
      onResize.dispose();
      ws.close();
      term.dispose();
    };
  }, [wsPath, generation]);

  const badge =
    status.state === "connected" ? "badge-green" : status.state === "closed" ? "badge-gray" : "badge-yellow";
  return (
    <div className="space-y-2 p-2">
      <div className="flex items-center gap-2 text-sm" data-terminal-status={status.state}>
        <span className={`badge ${badge}`}>{status.state}</span>
        <span className="text-slate-600">{status.message}</span>
        {status.state === "closed" && (
          <button type="button" className="btn btn-secondary ml-auto" onClick={() => setGeneration((g) => g + 1)}>
            Reconnect
          </button>
        )}
        {deviceUrl && status.state !== "closed" && (
          <a href={deviceUrl} className="ml-auto text-sky-700 hover:underline">
            {hostname}
          </a>
        )}
      </div>
      <div ref={box} className="h-[32rem] w-full rounded bg-slate-900 p-1" data-terminal="" />
    </div>
  );
}

/** A transcript entry: a line the user typed, or a chunk of the device's output. */
type Entry = { t: number; line?: string; masked?: boolean; out?: string };
export type TranscriptReplayProps = { hostname: string; transcript: Entry[] };
const MAX_GAP_MS = 2000;

/** Replays the device's output into a terminal in time (gaps capped), the typed lines beside it. */
export function TranscriptReplay({ hostname, transcript }: TranscriptReplayProps) {
  const box = useRef<HTMLDivElement>(null);
  const term = useRef<XTerm | null>(null);
  const [shown, setShown] = useState(transcript.length);
  const [playing, setPlaying] = useState(false);
  const typed = transcript.filter((entry) => entry.line !== undefined);
  const outputs = transcript.length - typed.length;

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const terminal = new XTerm({
      convertEol: false,
      disableStdin: true,
      fontSize: 13,
      scrollback: 5000,
      theme: { background: "#0f172a" },
    });
    const fit = new FitAddon();
    terminal.loadAddon(fit);
    terminal.open(el);
    fit.fit();
    for (const entry of transcript) if (entry.out) terminal.write(entry.out); // the final screen
    term.current = terminal;
    return () => {
      term.current = null;
      terminal.dispose();
    };
  }, [transcript]);

  useEffect(() => {
    if (!playing) return;
    if (shown >= transcript.length) {
      setPlaying(false);
      return;
    }
    const previous = shown > 0 ? transcript[shown - 1].t : 0;
    const gap = Math.min(Math.max((transcript[shown].t - previous) * 1000, 0), MAX_GAP_MS);
    const timer = window.setTimeout(() => {
      const entry = transcript[shown];
      if (entry.out) term.current?.write(entry.out);
      setShown((n) => n + 1);
    }, gap);
    return () => window.clearTimeout(timer);
  }, [playing, shown, transcript]);

  const typedSoFar = transcript.slice(0, shown).filter((entry) => entry.line !== undefined);
  return (
    <div className="space-y-2 p-3" data-replay={playing ? "playing" : shown >= transcript.length ? "done" : "paused"}>
      <div className="flex items-center gap-2 text-sm">
        <button
          type="button"
          className="btn btn-secondary"
          onClick={() => {
            term.current?.reset();
            setShown(0);
            setPlaying(true);
          }}
        >
          Replay
        </button>
        <span className="text-slate-500">
          {typed.length} line(s) typed and {outputs} output chunk(s) from {hostname}; pauses longer than 2 s are
          shortened.
        </span>
      </div>
      <div className="grid gap-2 lg:grid-cols-3">
        <div ref={box} className="h-[28rem] rounded bg-slate-900 p-1 lg:col-span-2" data-replay-screen="" />
        <ol className="max-h-[28rem] overflow-auto rounded bg-slate-900 p-3 font-mono text-xs text-slate-100">
          {typedSoFar.map((entry, i) => (
            <li key={i}>
              <span className="text-slate-500">+{entry.t.toFixed(1)}s </span>
              <span className={entry.masked ? "text-amber-300" : ""}>{entry.line}</span>
            </li>
          ))}
        </ol>
      </div>
    </div>
  );
}
