/*
 * webnet island loader. Built by `npm run build:js` to static/dist/islands.js (committed).
 *
 * Server-rendered markup opts into a React component with:
 *
 *   <div data-island="AuditChanges" data-props='{"changes": {...}}'></div>
 *   <div data-island="AuditChanges">{{ props|json_script:"" }}</div>   (a <script type="application/json"> child)
 *
 * Anything else inside the element is a no-JS fallback and is replaced when the island mounts.
 * Islands are mounted on DOMContentLoaded and after every HTMX swap (htmx:load / htmx:afterSwap /
 * htmx:historyRestore), once per element (marked data-island-mounted), and unmounted when HTMX
 * cleans the element up. Failures are shown in place (data-island-error) and logged, never thrown.
 *
 * The only global is window.webnetIslands: { register, mount, components }.
 */
import {
  Component,
  StrictMode,
  Suspense,
  lazy,
  type ComponentType,
  type ErrorInfo,
  type ReactNode,
} from "react";
import { createRoot, type Root } from "react-dom/client";

import { rememberBrowserZone } from "./clock";
import { AlarmLive } from "./islands/AlarmLive";
import { AuditChanges } from "./islands/AuditChanges";
import { ConfigDiff } from "./islands/ConfigDiff";
import { CopyOnce } from "./islands/CopyOnce";
import { JobLog } from "./islands/JobLog";

// xterm.js, cytoscape and uPlot are most of the bundle: they load only on the pages that use them.
const Terminal = lazy(() => import("./islands/Terminal").then((m) => ({ default: m.Terminal })));
const TranscriptReplay = lazy(() =>
  import("./islands/Terminal").then((m) => ({ default: m.TranscriptReplay })),
);
const Topology = lazy(() => import("./islands/Topology").then((m) => ({ default: m.Topology })));
const MetricGraphs = lazy(() =>
  import("./islands/MetricGraphs").then((m) => ({ default: m.MetricGraphs })),
);

/** A component usable as an island. `omitFromHistory`: drop it from HTMX's history snapshot (secrets). */
export type IslandComponent = ComponentType<any> & { omitFromHistory?: boolean };

const components: Record<string, IslandComponent> = {
  AlarmLive,
  AuditChanges,
  ConfigDiff,
  CopyOnce,
  JobLog,
  MetricGraphs,
  Terminal,
  Topology,
  TranscriptReplay,
};

const SELECTOR = "[data-island]";
const MOUNTED = "data-island-mounted";
const ISLAND_ID = "data-island-id";

/** Live roots and the server-rendered HTML each island replaced (for HTMX history snapshots). */
const roots = new Map<string, { root: Root; sourceHtml: string; name: string }>();
let nextId = 1;

class IslandErrorBoundary extends Component<{ name: string; children: ReactNode }, { error: Error | null }> {
  state = { error: null as Error | null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  componentDidCatch(error: Error, info: ErrorInfo) {
    console.error(`[islands] ${this.props.name} crashed`, error, info.componentStack);
  }

  render() {
    if (this.state.error) {
      return <div className="alert-error">This panel failed to render ({this.props.name}).</div>;
    }
    return this.props.children;
  }
}

function readProps(el: HTMLElement): Record<string, unknown> {
  let raw: string | null = null;
  for (const child of Array.from(el.children)) {
    if (child.tagName === "SCRIPT" && (child as HTMLScriptElement).type === "application/json") {
      raw = child.textContent;
      break;
    }
  }
  if (raw === null) raw = el.getAttribute("data-props");
  if (raw === null || raw.trim() === "") return {};
  const props: unknown = JSON.parse(raw);
  if (props === null || typeof props !== "object" || Array.isArray(props)) {
    throw new Error("island props must be a JSON object");
  }
  return props as Record<string, unknown>;
}

function mountOne(el: HTMLElement): void {
  if (el.hasAttribute(MOUNTED)) return;
  const name = el.getAttribute("data-island") || "";
  const Island = components[name];
  if (!Island) {
    // Not registered (yet): leave it untouched so a later register() can mount it.
    if (!el.hasAttribute("data-island-error")) {
      console.warn(`[islands] no island registered as "${name}"`);
      el.setAttribute("data-island-error", "unknown");
    }
    return;
  }
  let props: Record<string, unknown>;
  try {
    props = readProps(el);
  } catch (err) {
    console.error(`[islands] bad props for ${name}`, err, el);
    el.setAttribute(MOUNTED, "");
    el.setAttribute("data-island-error", "props");
    return;
  }
  const id = String(nextId++);
  const sourceHtml = el.innerHTML;
  el.setAttribute(MOUNTED, "");
  el.setAttribute(ISLAND_ID, id);
  el.removeAttribute("data-island-error");
  const root = createRoot(el);
  roots.set(id, { root, sourceHtml, name });
  root.render(
    <StrictMode>
      <IslandErrorBoundary name={name}>
        <Suspense fallback={<p className="text-sm text-slate-500">Loading…</p>}>
          <Island {...props} />
        </Suspense>
      </IslandErrorBoundary>
    </StrictMode>,
  );
}

/** Mount every not-yet-mounted island in `scope` (and `scope` itself if it is one). */
export function mount(scope: ParentNode = document): void {
  if (scope instanceof HTMLElement && scope.matches(SELECTOR)) mountOne(scope);
  scope.querySelectorAll<HTMLElement>(SELECTOR).forEach(mountOne);
}

function unmountOne(el: Element): void {
  const id = el.getAttribute(ISLAND_ID);
  if (!id) return;
  const entry = roots.get(id);
  roots.delete(id);
  el.removeAttribute(ISLAND_ID);
  el.removeAttribute(MOUNTED);
  entry?.root.unmount();
}

/** Register (or replace) an island component by name, then mount any waiting elements. */
export function register(name: string, component: IslandComponent): void {
  components[name] = component;
  if (document.readyState !== "loading") mount(document);
}

/**
 * HTMX stores history snapshots as HTML. Put each island back to its server-rendered form, so a
 * restored page remounts it instead of showing dead React output; drop the secret ones entirely.
 */
function restoreSourcesInSnapshot(html: string): string {
  if (roots.size === 0) return html;
  const tpl = document.createElement("template");
  tpl.innerHTML = html;
  tpl.content.querySelectorAll(`[${ISLAND_ID}]`).forEach((el) => {
    const entry = roots.get(el.getAttribute(ISLAND_ID) || "");
    el.removeAttribute(ISLAND_ID);
    el.removeAttribute(MOUNTED);
    if (!entry || components[entry.name]?.omitFromHistory) {
      el.removeAttribute("data-island");
      el.removeAttribute("data-props");
      el.innerHTML = "";
      return;
    }
    el.innerHTML = entry.sourceHtml;
  });
  return tpl.innerHTML;
}

function eventTarget(evt: Event): ParentNode {
  const target = evt.target;
  return target instanceof Element || target instanceof Document ? target : document;
}

function start(): void {
  mount(document);
  // htmx:load fires on every element HTMX inserts (and once on body at start-up); afterSwap on
  // the swap target. Both bubble to document; mounting is idempotent.
  document.addEventListener("htmx:load", (evt) => mount(eventTarget(evt)));
  document.addEventListener("htmx:afterSwap", (evt) => mount(eventTarget(evt)));
  document.addEventListener("htmx:historyRestore", () => mount(document));
  // HTMX fires this on each element of a subtree it is about to remove.
  document.addEventListener("htmx:beforeCleanupElement", (evt) => {
    const target = evt.target;
    if (target instanceof Element && target.hasAttribute(ISLAND_ID)) unmountOne(target);
  });
  document.addEventListener("htmx:historyItemCreated", (evt) => {
    const item = (evt as CustomEvent<{ item?: { content?: string } }>).detail?.item;
    if (item && typeof item.content === "string") item.content = restoreSourcesInSnapshot(item.content);
  });
}

declare global {
  interface Window {
    webnetIslands?: {
      register: typeof register;
      mount: typeof mount;
      components: Record<string, IslandComponent>;
    };
  }
}

if (!window.webnetIslands) {
  window.webnetIslands = { register, mount, components };
  rememberBrowserZone();
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start, { once: true });
  } else {
    start();
  }
}
