/*
 * Topology — the customer's network as a graph (cytoscape.js): devices coloured by status,
 * unmanaged neighbours dashed, one edge per cable (LLDP and CDP merged). Clicking a device opens it.
 *
 * Props: { nodes: [{id, label, device, status, platform}], edges: [{id, source, target, label,
 * protocols}], deviceUrl: "/devices/{id}/" }
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

export function Topology({ nodes, edges, deviceUrl }: TopologyProps) {
  const box = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!box.current) return;
    const cy = cytoscape({
      container: box.current,
      elements: [
        ...nodes.map((n) => ({ data: { ...n, colour: STATUS_COLOUR[n.status] || STATUS_COLOUR.unknown } })),
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
      layout: { name: nodes.length > 1 ? "cose" : "grid", animate: false },
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
