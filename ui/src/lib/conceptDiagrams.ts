// The concepts that have a small diagram beside their text (components/labs/diagrams/), and
// the arrowheads they share. A concept id here must be a concept of some lab file.

export const DIAGRAM_IDS = [
  "container-vs-vm",
  "image-layers",
  "layer-cache",
  "port-publishing",
  "target-group",
  "awsvpc",
  "rolling-bounds",
  "circuit-breaker",
  "task-definition-revision",
] as const;

export type DiagramId = (typeof DIAGRAM_IDS)[number];

export function hasDiagram(id: string): id is DiagramId {
  return (DIAGRAM_IDS as readonly string[]).includes(id);
}

/** The drawing's coordinate box (viewBox), shared so every diagram reads at the same size. */
export const DIAGRAM_BOX = { width: 320, height: 160 } as const;

/** An arrowhead (a small closed triangle path) at (x, y) pointing away from (fromX, fromY). */
export function arrowHead(fromX: number, fromY: number, x: number, y: number, size = 6): string {
  const angle = Math.atan2(y - fromY, x - fromX);
  const spread = Math.PI / 7;
  const p = (a: number) => `${round(x - size * Math.cos(a))},${round(y - size * Math.sin(a))}`;
  return `M${round(x)},${round(y)} L${p(angle - spread)} L${p(angle + spread)} Z`;
}

const round = (v: number) => Math.round(v * 100) / 100;
