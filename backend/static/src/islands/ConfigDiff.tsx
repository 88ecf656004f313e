/*
 * ConfigDiff — a section-aware configuration diff with a unified / side-by-side toggle.
 *
 * Props (computed by webnet.config_mgmt.diff): { hunks: [{ section, parents, lines: [{ op, text,
 * old, new }] }], stats: { added, removed, hunks } }. Each hunk is shown under its section (the
 * parent line such as `interface Gi0/1`); side-by-side pairs each run of removals with the
 * additions that follow it.
 */
import { useState } from "react";

type DiffLine = { op: " " | "-" | "+"; text: string; old: number | null; new: number | null };
type Hunk = { section: string; parents: string[]; lines: DiffLine[] };
export type ConfigDiffProps = { hunks?: Hunk[]; stats?: { added: number; removed: number; hunks: number } };

type Row = { left: DiffLine | null; right: DiffLine | null };

const TONE: Record<string, string> = { "-": "bg-red-50 text-red-900", "+": "bg-green-50 text-green-900", " ": "" };

export function pairRows(lines: DiffLine[]): Row[] {
  const rows: Row[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (line.op === " ") {
      rows.push({ left: line, right: line });
      i += 1;
      continue;
    }
    const removed: DiffLine[] = [];
    const added: DiffLine[] = [];
    while (i < lines.length && lines[i].op === "-") removed.push(lines[i++]);
    while (i < lines.length && lines[i].op === "+") added.push(lines[i++]);
    for (let k = 0; k < Math.max(removed.length, added.length); k++) {
      rows.push({ left: removed[k] ?? null, right: added[k] ?? null });
    }
  }
  return rows;
}

function Cell({ line, side }: { line: DiffLine | null; side: "old" | "new" }) {
  if (!line) return <td className="bg-slate-50" colSpan={2}></td>;
  const tone = line.op === " " ? "" : TONE[line.op];
  return (
    <>
      <td className="w-10 select-none pr-2 text-right text-slate-400">{line[side] ?? ""}</td>
      <td className={`whitespace-pre ${tone}`}>{line.text}</td>
    </>
  );
}

function Section({ hunk, sideBySide }: { hunk: Hunk; sideBySide: boolean }) {
  const title = hunk.section || "(global)";
  const trail = hunk.parents.length > 1 ? hunk.parents.map((p) => p.trim()).join(" › ") : "";
  return (
    <div className="mb-4 overflow-x-auto rounded border border-slate-200">
      <div className="bg-slate-100 px-2 py-1 font-mono text-xs font-semibold text-slate-700">
        {title}
        {trail && <span className="ml-2 font-normal text-slate-500">{trail}</span>}
      </div>
      <table className="w-full font-mono text-xs">
        <tbody>
          {sideBySide
            ? pairRows(hunk.lines).map((row, i) => (
                <tr key={i}>
                  <Cell line={row.left} side="old" />
                  <Cell line={row.right} side="new" />
                </tr>
              ))
            : hunk.lines.map((line, i) => (
                <tr key={i} className={TONE[line.op]}>
                  <td className="w-10 select-none pr-2 text-right text-slate-400">{line.old ?? ""}</td>
                  <td className="w-10 select-none pr-2 text-right text-slate-400">{line.new ?? ""}</td>
                  <td className="whitespace-pre">{line.op + line.text}</td>
                </tr>
              ))}
        </tbody>
      </table>
    </div>
  );
}

export function ConfigDiff({ hunks = [], stats }: ConfigDiffProps) {
  const [sideBySide, setSideBySide] = useState(false);
  if (hunks.length === 0) return <p className="text-sm text-slate-500">No differences.</p>;
  return (
    <div>
      <div className="mb-3 flex items-center gap-2 text-sm">
        <button type="button" className={`btn ${sideBySide ? "btn-secondary" : "btn-primary"}`} aria-pressed={!sideBySide} onClick={() => setSideBySide(false)}>
          Unified
        </button>
        <button type="button" className={`btn ${sideBySide ? "btn-primary" : "btn-secondary"}`} aria-pressed={sideBySide} onClick={() => setSideBySide(true)}>
          Side by side
        </button>
        {stats && (
          <span className="text-slate-600">
            +{stats.added} −{stats.removed} in {stats.hunks} section(s)
          </span>
        )}
      </div>
      {hunks.map((hunk, i) => (
        <Section key={i} hunk={hunk} sideBySide={sideBySide} />
      ))}
    </div>
  );
}
