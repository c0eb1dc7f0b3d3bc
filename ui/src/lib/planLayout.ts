// The plan as a dependency diagram: a node per step, an edge from each step to the steps that
// need it, laid out left to right with dagre (what exists first on the left, the service last).
import { Graph, layout } from "@dagrejs/dagre";
import type { Edge, Node } from "@xyflow/svelte";
import type { PlanStep } from "./bindings";
import type { StepProgress } from "./deployProgress";

/** Every node has this size, so the layout needs no measuring and never jumps. */
export const NODE_WIDTH = 184;
export const NODE_HEIGHT = 64;

export type PlanNodeData = { step: PlanStep };
export type PlanNode = Node<PlanNodeData, "step">;

/** Nodes placed by dagre (top-left corners) and the dependency edges between them. */
export function planGraph(steps: readonly PlanStep[]): { nodes: PlanNode[]; edges: Edge[] } {
  const keys = new Set(steps.map((s) => s.key));
  const edges: Edge[] = steps.flatMap((s) =>
    s.deps.filter((d) => keys.has(d) && d !== s.key).map((d) => ({ id: `${d}->${s.key}`, source: d, target: s.key })),
  );
  const g = new Graph();
  // longest-path puts each step as far right as its dependents allow: everything converges on
  // the service, and the columns stay short enough to read at the diagram's size.
  g.setGraph({ rankdir: "LR", ranker: "longest-path", nodesep: 18, ranksep: 48, marginx: 8, marginy: 8 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const s of steps) g.setNode(s.key, { width: NODE_WIDTH, height: NODE_HEIGHT });
  for (const e of edges) g.setEdge(e.source, e.target);
  layout(g);
  const nodes: PlanNode[] = steps.map((step) => {
    const p = g.node(step.key);
    // dagre gives centres; Svelte Flow wants top-left corners.
    return {
      id: step.key,
      type: "step",
      position: { x: Math.round(p.x - NODE_WIDTH / 2), y: Math.round(p.y - NODE_HEIGHT / 2) },
      width: NODE_WIDTH,
      height: NODE_HEIGHT,
      data: { step },
      draggable: false,
      connectable: false,
      deletable: false,
    };
  });
  return { nodes, edges };
}

/** What the diagram's nodes read besides their step (a Svelte context, so nodes are not remade
 *  on every tick of the clock). */
export interface DiagramState {
  readonly progress: StepProgress | null;
  readonly now: number;
}

export const DIAGRAM_STATE = Symbol("plan-diagram-state");
