/*
 * MetricGraphs — a device's time series drawn with uPlot: traffic and errors of one interface,
 * CPU, memory, latency and loss of the device, over 1 h / 24 h / 7 d / 30 d or a custom range.
 *
 * Props: { seriesUrl, device, interfaces: [{ifIndex, name}], graphs: [{key, title, metrics,
 * unit, device?}] }. Data comes from GET seriesUrl?device=&resource=&metric=&from=&to= (the API
 * picks raw samples, 5 min or 1 h rollups by range); each graph's wrapper carries
 * data-graph=<key> and data-points=<n> once drawn, so tests and users can tell empty from loading.
 */
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { useEffect, useRef, useState } from "react";

type Graph = { key: string; title: string; metrics: string[]; unit: string; device?: boolean };
type Iface = { ifIndex: number; name: string };
export type MetricGraphsProps = { seriesUrl: string; device: number; interfaces: Iface[]; graphs: Graph[] };
type Series = { metric: string; t: number[]; value: number[] };
type Range = { from: number; to: number };

const RANGES: [string, number][] = [
  ["1 h", 3600],
  ["24 h", 86400],
  ["7 d", 7 * 86400],
  ["30 d", 30 * 86400],
];
const COLOURS = ["#0284c7", "#16a34a", "#dc2626", "#9333ea"];

function lastSeconds(seconds: number): Range {
  const to = Math.floor(Date.now() / 1000);
  return { from: to - seconds, to };
}

/** Columns on one shared time axis (uPlot wants aligned x), gaps as null. */
function align(series: Series[]): uPlot.AlignedData {
  const times = [...new Set(series.flatMap((s) => s.t))].sort((a, b) => a - b);
  const index = new Map(times.map((t, i) => [t, i]));
  const columns = series.map((s) => {
    const column: (number | null)[] = new Array(times.length).fill(null);
    s.t.forEach((t, i) => (column[index.get(t)!] = s.value[i]));
    return column;
  });
  return [times, ...columns] as uPlot.AlignedData;
}

function Chart({ graph, url }: { graph: Graph; url: string }) {
  const box = useRef<HTMLDivElement>(null);
  const [points, setPoints] = useState<number | null>(null);
  const [error, setError] = useState("");

  useEffect(() => {
    let plot: uPlot | null = null;
    let cancelled = false;
    setPoints(null);
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((r) => (r.ok ? r.json() : Promise.reject(new Error(`HTTP ${r.status}`))))
      .then((body: { series: Series[] }) => {
        if (cancelled || !box.current) return;
        const data = align(body.series);
        setPoints(data[0].length);
        setError("");
        box.current.replaceChildren();
        plot = new uPlot(
          {
            width: Math.max(280, box.current.clientWidth || 480),
            height: 180,
            series: [
              {},
              ...graph.metrics.map((metric, i) => ({ label: metric, stroke: COLOURS[i % COLOURS.length], spanGaps: false })),
            ],
            axes: [{}, { label: graph.unit, size: 70 }],
          },
          data,
          box.current,
        );
      })
      .catch((err: Error) => !cancelled && setError(err.message));
    return () => {
      cancelled = true;
      plot?.destroy();
    };
  }, [url, graph]);

  return (
    <div className="min-w-0" data-graph={graph.key} data-points={points ?? ""}>
      <h3 className="text-xs font-semibold text-slate-700">{graph.title}</h3>
      {error && <p className="text-xs text-red-600">Could not load: {error}</p>}
      {points === 0 && <p className="text-xs text-slate-500">No data in this range.</p>}
      <div ref={box} />
    </div>
  );
}

function toLocalInput(epoch: number): string {
  const d = new Date(epoch * 1000);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function MetricGraphs({ seriesUrl, device, interfaces, graphs }: MetricGraphsProps) {
  const [range, setRange] = useState<Range>(() => lastSeconds(3600));
  const [chosen, setChosen] = useState<string>("1 h");
  const [ifIndex, setIfIndex] = useState<number | null>(interfaces[0]?.ifIndex ?? null);

  const urlFor = (graph: Graph) => {
    const params = new URLSearchParams({
      device: String(device),
      resource: graph.device ? "device" : `if:${ifIndex}`,
      metric: graph.metrics.join(","),
      from: new Date(range.from * 1000).toISOString(),
      to: new Date(range.to * 1000).toISOString(),
    });
    return `${seriesUrl}?${params}`;
  };
  const shown = graphs.filter((g) => g.device || ifIndex !== null);

  return (
    <div className="space-y-3" data-metric-graphs>
      <div className="flex flex-wrap items-center gap-2 text-sm">
        {RANGES.map(([label, seconds]) => (
          <button
            key={label}
            type="button"
            className={chosen === label ? "btn btn-primary" : "btn btn-secondary"}
            onClick={() => {
              setChosen(label);
              setRange(lastSeconds(seconds));
            }}
          >
            {label}
          </button>
        ))}
        <label className="flex items-center gap-1">
          from
          <input
            type="datetime-local"
            className="input"
            value={toLocalInput(range.from)}
            onChange={(e) => {
              setChosen("custom");
              setRange({ ...range, from: Math.floor(new Date(e.target.value).getTime() / 1000) });
            }}
          />
        </label>
        <label className="flex items-center gap-1">
          to
          <input
            type="datetime-local"
            className="input"
            value={toLocalInput(range.to)}
            onChange={(e) => {
              setChosen("custom");
              setRange({ ...range, to: Math.floor(new Date(e.target.value).getTime() / 1000) });
            }}
          />
        </label>
        {interfaces.length > 0 && (
          <label className="flex items-center gap-1">
            interface
            <select className="input" value={ifIndex ?? ""} onChange={(e) => setIfIndex(Number(e.target.value))}>
              {interfaces.map((i) => (
                <option key={i.ifIndex} value={i.ifIndex}>
                  {i.name}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      <div className="grid gap-4 md:grid-cols-2">
        {shown.map((graph) => (
          <Chart key={graph.key} graph={graph} url={urlFor(graph)} />
        ))}
      </div>
    </div>
  );
}
