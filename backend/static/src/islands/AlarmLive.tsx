/*
 * AlarmLive — keeps the alarm console current: listens on /ws/updates/ and, when an alarm of the
 * user's customers changes, fires `webnet:alarm-change` on <body> so HTMX re-renders the table
 * (the socket is a hint; the table is always read from the server). Reconnects with back-off.
 */
import { useEffect, useState } from "react";

declare global {
  interface Window {
    htmx?: { trigger: (target: Element, name: string) => void };
  }
}

export function AlarmLive() {
  const [live, setLive] = useState(false);
  useEffect(() => {
    let socket: WebSocket | null = null;
    let delay = 1000;
    let stopped = false;
    let timer: number | undefined;
    const connect = () => {
      const scheme = window.location.protocol === "https:" ? "wss" : "ws";
      socket = new WebSocket(`${scheme}://${window.location.host}/ws/updates/`);
      socket.onopen = () => {
        delay = 1000;
        setLive(true);
      };
      socket.onmessage = (message) => {
        const data = JSON.parse(message.data);
        if (data.type === "alarm") window.htmx?.trigger(document.body, "webnet:alarm-change");
      };
      socket.onclose = () => {
        setLive(false);
        if (!stopped) timer = window.setTimeout(connect, (delay = Math.min(delay * 2, 30000)));
      };
    };
    connect();
    return () => {
      stopped = true;
      window.clearTimeout(timer);
      socket?.close();
    };
  }, []);
  return (
    <p className="text-xs text-slate-500" data-live={live ? "on" : "off"}>
      {live ? "Live" : "Connecting…"}
    </p>
  );
}
