/*
 * Times in islands read like times on pages: "2026-12-01 21:49:33 CET", in the user's zone.
 *
 * The server passes `Clock` (the zone it formats in, and that zone's abbreviations by UTC offset
 * in minutes, as Python names them), so an island and the page around it agree. Without it, the
 * browser's own zone is used with its UTC offset as the name.
 *
 * `rememberBrowserZone` stores the browser's zone in the `webnet_tz` cookie, which the server
 * uses when the profile names no zone.
 */
export type Clock = { zone: string; names: Record<string, string> };

const COOKIE = "webnet_tz";

function offsetMinutes(label: string): number {
  // "GMT", "GMT+01:00", "GMT-03:30"
  const match = /GMT([+-])(\d{2}):?(\d{2})?/.exec(label);
  if (!match) return 0;
  const minutes = Number(match[2]) * 60 + Number(match[3] ?? 0);
  return match[1] === "-" ? -minutes : minutes;
}

export function formatWhen(iso: string, clock?: Clock): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const zone = clock?.zone || Intl.DateTimeFormat().resolvedOptions().timeZone;
  const parts: Record<string, string> = {};
  const format = new Intl.DateTimeFormat("en-GB", {
    timeZone: zone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hourCycle: "h23",
    timeZoneName: "longOffset",
  });
  for (const part of format.formatToParts(date)) parts[part.type] = part.value;
  const offset = offsetMinutes(parts.timeZoneName ?? "");
  const name = clock?.names[String(offset)] ?? (parts.timeZoneName === "GMT" ? "UTC" : parts.timeZoneName);
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second} ${name}`;
}

export function rememberBrowserZone(): void {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!zone || !/^[A-Za-z0-9_+\-/]+$/.test(zone)) return;
  const current = document.cookie
    .split("; ")
    .find((c) => c.startsWith(`${COOKIE}=`))
    ?.slice(COOKIE.length + 1);
  if (current !== zone) document.cookie = `${COOKIE}=${zone}; path=/; max-age=31536000; SameSite=Lax`;
}
