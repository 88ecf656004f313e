/*
 * AuditChanges — an audit event's field changes as a compact field / before / after table.
 *
 * Props: { changes: { [field: string]: [old: unknown, new: unknown] } }
 * Values are shown JSON-stringified; the masking sentinel "***" shows as a grey "masked" badge;
 * a missing side (undefined, e.g. on create/delete) shows as "—"; long values are truncated with
 * an expand toggle.
 */
import { useState } from "react";

export const MASKED = "***";
const TRUNCATE_AT = 80;

export type AuditChangesProps = {
  changes?: Record<string, unknown> | null;
};

function compactJson(value: unknown): string {
  try {
    const text = JSON.stringify(value);
    return text === undefined ? String(value) : text;
  } catch {
    return String(value);
  }
}

function prettyJson(value: unknown): string {
  try {
    const text = JSON.stringify(value, null, 2);
    return text === undefined ? String(value) : text;
  } catch {
    return String(value);
  }
}

function Value({ value, side }: { value: unknown; side: "before" | "after" }) {
  const [expanded, setExpanded] = useState(false);

  if (value === MASKED) return <span className="badge badge-gray">masked</span>;
  if (value === undefined) return <span className="text-slate-400">—</span>;

  const compact = compactJson(value);
  const long = compact.length > TRUNCATE_AT || compact.includes("\\n");
  const tone =
    side === "before" ? "bg-red-50 text-red-800 ring-red-600/10" : "bg-emerald-50 text-emerald-800 ring-emerald-600/10";
  const code = `rounded px-1 py-0.5 font-mono text-xs ring-1 ring-inset ${tone}`;

  if (!long) return <code className={`${code} break-all`}>{compact}</code>;

  return (
    <div className="flex flex-col items-start gap-1">
      {expanded ? (
        <pre className={`${code} block max-h-96 w-full max-w-xl overflow-auto whitespace-pre-wrap break-all`}>
          {typeof value === "string" ? value : prettyJson(value)}
        </pre>
      ) : (
        <code className={`${code} break-all`} title={compact.length > 2000 ? undefined : compact}>
          {compact.length > TRUNCATE_AT ? `${compact.slice(0, TRUNCATE_AT)}…` : compact}
        </code>
      )}
      <button
        type="button"
        className="text-xs font-medium text-sky-700 hover:text-sky-900 hover:underline"
        aria-expanded={expanded}
        onClick={() => setExpanded(!expanded)}
      >
        {expanded ? "Show less" : `Show all (${compact.length} chars)`}
      </button>
    </div>
  );
}

function asPair(change: unknown): [unknown, unknown] {
  if (Array.isArray(change) && change.length === 2) return [change[0], change[1]];
  return [undefined, change];
}

export function AuditChanges({ changes }: AuditChangesProps) {
  const fields = changes && typeof changes === "object" ? Object.keys(changes).sort() : [];
  if (fields.length === 0) {
    return <p className="text-sm text-slate-500">No field changes recorded.</p>;
  }
  return (
    <div className="overflow-x-auto rounded-md border border-slate-200">
      <table className="table-base">
        <thead>
          <tr>
            <th scope="col">Field</th>
            <th scope="col">Before</th>
            <th scope="col">After</th>
          </tr>
        </thead>
        <tbody>
          {fields.map((field) => {
            const [before, after] = asPair(changes![field]);
            return (
              <tr key={field}>
                <td className="font-mono text-xs font-medium text-slate-900">{field}</td>
                <td className="!whitespace-normal">
                  <Value value={before} side="before" />
                </td>
                <td className="!whitespace-normal">
                  <Value value={after} side="after" />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
