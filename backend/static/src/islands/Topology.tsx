/*
 * Topology — the customer's network as a graph (cytoscape.js): devices coloured by status,
 * unmanaged neighbours dashed, one edge per cable (LLDP and CDP merged). Clicking a device opens it.
 *
 * Props: { nodes: [{id, label, device, status, platform}], edges: [{id, source, target, label,
 * protocols}], deviceUrl: "/devices/{id}/" }
 *
 * The layout is the same on every load: nodes start on a circle in id order and cose moves them
 * from there (it draws random numbers only to separate nodes that start on the same spot, which
 * none do), with label boxes counted as part of each node so labels do not overlap.
 */
import cytoscape from "cytoscape";
import { useEffect, useRef } from "react";

type Node = { id: string; label: string; device: number | null; status: string; platform: string };
type Edge = { id: string; source: string; target: string; label: string; protocols: string[] };
export type TopologyProps = { nodes: Node[]; edges: Edge[]; deviceUrl: string };

const STATUS_COLOUR: Record<string, string> = {
  reachable: "#16a34a",
  unreachable: "#dc2626",
  unknown: "#64748b",
  unmanaged: "#cbd5e1",
};

// cose tuned for labelled nodes: strong repulsion, label sizes included, room around components.
const LAYOUT = {
  name: "cose",
  animate: false,
  randomize: false,
  nodeDimensionsIncludeLabels: true,
  nodeRepulsion: () => 400000,
  nodeOverlap: 20,
  idealEdgeLength: () => 110,
  componentSpacing: 80,
  padding: 40,
};

function seedPositions(nodes: Node[]): Map<string, { x: number; y: number }> {
  const ids = nodes.map((n) => n.id).sort();
  const radius = Math.max(120, ids.length * 40);
  return new Map(
    ids.map((id, i) => {
      const angle = (2 * Math.PI * i) / ids.length;
      return [id, { x: Math.round(radius * Math.cos(angle)), y: Math.round(radius * Math.sin(angle)) }];
    }),
  );
}

export function Topology({ nodes, edges, deviceUrl }: TopologyProps) {
  const box = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!box.current) return;
    const seeds = seedPositions(nodes);
    const cy = cytoscape({
      container: box.current,
      elements: [
        ...nodes.map((n) => ({
          data: { ...n, colour: STATUS_COLOUR[n.status] || STATUS_COLOUR.unknown },
          position: seeds.get(n.id),
        })),
        ...edges.map((e) => ({ data: { ...e, protocolText: e.protocols.join("+") } })),
      ],
      style: [
        {
          selector: "node",
          style: {
            "background-color": "data(colour)",
            label: "data(label)",
            "font-size": 11,
            "text-valign": "bottom",
            "text-margin-y": 4,
            width: 26,
            height: 26,
          },
        },
        { selector: "node[status = 'unmanaged']", style: { "border-width": 2, "border-style": "dashed", "border-color": "#64748b" } },
        { selector: "node[device]", style: { "border-width": 2, "border-color": "#0f172a" } },
        {
          selector: "edge",
          style: {
            width: 2,
            "line-color": "#94a3b8",
            "curve-style": "bezier",
            label: "data(label)",
            "font-size": 8,
            "text-rotation": "autorotate",
            color: "#475569",
          },
        },
      ],
      layout: nodes.length > 1 ? LAYOUT : { name: "grid", animate: false },
      wheelSensitivity: 0.3,
    });
    cy.on("tap", "node", (event) => {
      const device = event.target.data("device");
      if (device) window.location.href = deviceUrl.replace("{id}", String(device));
    });
    return () => cy.destroy();
  }, [nodes, edges, deviceUrl]);

  if (nodes.length === 0) {
    return <p className="px-4 py-3 text-sm text-slate-500">No devices yet.</p>;
  }
  return <div ref={box} className="h-[36rem] w-full" data-topology={`${nodes.length} ${edges.length}`} />;
}
