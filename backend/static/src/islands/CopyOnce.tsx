/*
 * CopyOnce — shows a secret that the server will never show again (e.g. a new API token) with a
 * copy-to-clipboard button and a warning.
 *
 * Props: { value: string, label: string }
 * Kept out of HTMX history snapshots (omitFromHistory), so the secret is not cached in
 * sessionStorage by back/forward navigation.
 */
import { useEffect, useId, useRef, useState } from "react";

export type CopyOnceProps = {
  value: string;
  label?: string;
};

type CopyState = "idle" | "copied" | "failed";

async function copyText(text: string, fallbackInput: HTMLInputElement | null): Promise<boolean> {
  // The async Clipboard API needs a secure context (https or localhost).
  if (navigator.clipboard && window.isSecureContext) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch {
      // fall through to the selection-based copy
    }
  }
  if (!fallbackInput) return false;
  fallbackInput.focus();
  fallbackInput.select();
  try {
    return document.execCommand("copy");
  } catch {
    return false;
  }
}

export function CopyOnce({ value, label = "Secret" }: CopyOnceProps) {
  const inputId = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  const [state, setState] = useState<CopyState>("idle");

  useEffect(() => {
    if (state !== "copied") return;
    const timer = window.setTimeout(() => setState("idle"), 2000);
    return () => window.clearTimeout(timer);
  }, [state]);

  const onCopy = async () => {
    const ok = await copyText(value, inputRef.current);
    setState(ok ? "copied" : "failed");
    if (!ok) inputRef.current?.select();
  };

  return (
    <div className="space-y-2">
      <label htmlFor={inputId} className="label">
        {label}
      </label>
      <div className="flex gap-2">
        <input
          id={inputId}
          ref={inputRef}
          type="text"
          readOnly
          value={value}
          spellCheck={false}
          autoComplete="off"
          className="input font-mono"
          onFocus={(e) => e.currentTarget.select()}
        />
        <button type="button" className="btn btn-primary shrink-0" onClick={onCopy}>
          {state === "copied" ? "Copied" : "Copy"}
        </button>
      </div>
      <div role="status" aria-live="polite" className="min-h-[1rem] text-xs">
        {state === "copied" && <span className="text-emerald-700">Copied to the clipboard.</span>}
        {state === "failed" && (
          <span className="text-red-600">Could not copy automatically: the text is selected, press Ctrl+C.</span>
        )}
      </div>
      <div role="note" className="rounded-md border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900">
        <strong className="font-semibold">Shown once.</strong> Copy it now and store it somewhere safe: it
        cannot be displayed again. If it is lost, create a new one and revoke this one.
      </div>
    </div>
  );
}

CopyOnce.omitFromHistory = true;
