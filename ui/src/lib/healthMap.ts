// The service's health map as a tree, left to right: Internet → listener → load balancer →
// target group → one group per deployment (task definition) → its tasks → their containers.
// Big groups collapse into a "+N more" node, and the layout (dagre) depends only on which nodes
// exist, so a look that only changes states never moves anything.
import { Graph, layout } from "@dagrejs/dagre";
import type { Edge, Node } from "@xyflow/svelte";
import type { ContainerInfo, DeploymentInfo, ServiceHealth, TargetInfo, TaskInfo } from "./bindings";

/** How a node is coloured. */
export type NodeTone = "ok" | "warn" | "fail" | "idle" | "drain";

/** Tasks shown per group before the rest fold into "+N more". */
export const GROUP_LIMIT = 24;

/** The revision of a task definition: the number after its last ':' ("shop:7" → "7"). */
export function revisionNumber(taskDefinition: string): string {
  const i = taskDefinition.lastIndexOf(":");
  return i < 0 ? taskDefinition : taskDefinition.slice(i + 1);
}

/** The family and revision as the console shows them ("…/task-definition/shop:7" → "shop:7"). */
export function shortTaskDefinition(taskDefinition: string): string {
  return taskDefinition.split("/").pop() ?? taskDefinition;
}

/** The target group's entry for each task, matched by the task's private IP. */
export function targetsByIp(targets: readonly TargetInfo[]): Map<string, TargetInfo> {
  const out = new Map<string, TargetInfo>();
  // A draining entry of an IP reused by a new task must not hide the new task's own entry.
  for (const t of targets) if (!out.has(t.id) || out.get(t.id)!.state === "draining") out.set(t.id, t);
  return out;
}

/** One task as the map shows it. */
export interface TaskView {
  task: TaskInfo;
  target: TargetInfo | null;
  /** lastStatus in lower case: running, pending, stopped ... */
  state: string;
  /** The target's state when it is registered, else the containers' health (lower case). */
  health: string;
  tone: NodeTone;
  revision: string;
}

/** What a stopped task's reason says about it: a normal scale-in/replacement, or a failure. */
function stoppedCalmly(t: TaskInfo): boolean {
  return t.stop_code === "ServiceSchedulerInitiated" || /^Scaling activity/.test(t.stopped_reason ?? "");
}

export function taskTone(t: TaskInfo, target: TargetInfo | null): NodeTone {
  if (t.last_status === "STOPPED") return stoppedCalmly(t) ? "idle" : "fail";
  if (target?.state === "unhealthy" || t.health === "UNHEALTHY" || t.containers.some((c) => c.health === "UNHEALTHY")) return "fail";
  if (target?.state === "draining" || t.desired_status === "STOPPED" || ["DEACTIVATING", "STOPPING"].includes(t.last_status)) return "drain";
  if (t.last_status === "RUNNING" && (target ? target.state === "healthy" : t.health !== "UNKNOWN" || t.containers.every((c) => !c.health || c.health === "HEALTHY"))) return "ok";
  return "warn";
}

export function taskView(t: TaskInfo, targets: Map<string, TargetInfo>): TaskView {
  const target = (t.private_ip && t.last_status !== "STOPPED" ? targets.get(t.private_ip) : undefined) ?? null;
  return {
    task: t,
    target,
    state: t.last_status.toLowerCase(),
    health: target?.state ?? t.health?.toLowerCase() ?? "unknown",
    tone: taskTone(t, target),
    revision: revisionNumber(t.task_definition),
  };
}

export function containerTone(c: ContainerInfo): NodeTone {
  if (c.health === "UNHEALTHY" || (c.last_status === "STOPPED" && c.exit_code !== 0)) return "fail";
  if (c.last_status === "STOPPED") return "idle";
  // A passing health check means the container runs, whatever lastStatus says (moto and some
  // agents leave it empty or behind).
  if (c.health === "HEALTHY" || (c.last_status === "RUNNING" && c.health !== "UNKNOWN")) return "ok";
  return "warn";
}

/** The tasks of one task definition, with the deployment that runs it. */
export interface TaskGroup {
  key: string;
  taskDefinition: string;
  revision: string;
  deployment: DeploymentInfo | null;
  /** The tasks drawn as nodes. */
  shown: TaskView[];
  /** How many more there are, and how many of those per state. */
  hidden: number;
  hiddenByState: Record<string, number>;
  total: number;
  expanded: boolean;
}

const DEPLOYMENT_ORDER: Record<string, number> = { PRIMARY: 0, ACTIVE: 1 };

/**
 * Tasks grouped by task definition: the PRIMARY deployment's first, then the one it replaces,
 * then older ones. Live tasks before stopped ones, each by id, so a state change among live
 * tasks never reorders them.
 */
export function groupTasks(h: ServiceHealth, expanded: ReadonlySet<string> = new Set(), limit = GROUP_LIMIT): TaskGroup[] {
  const targets = targetsByIp(h.targets);
  const byTd = new Map<string, TaskView[]>();
  for (const d of h.deployments) byTd.set(d.task_definition, []);
  for (const t of h.tasks) {
    if (!byTd.has(t.task_definition)) byTd.set(t.task_definition, []);
    byTd.get(t.task_definition)!.push(taskView(t, targets));
  }
  const deploymentOf = (td: string) => h.deployments.find((d) => d.task_definition === td) ?? null;
  const rank = (td: string) => {
    const d = deploymentOf(td);
    return d ? (DEPLOYMENT_ORDER[d.status] ?? 2) : 3;
  };
  const groups = [...byTd.entries()].filter(([td, tasks]) => tasks.length > 0 || deploymentOf(td));
  groups.sort(([a], [b]) => rank(a) - rank(b) || Number(revisionNumber(b)) - Number(revisionNumber(a)));
  return groups.map(([td, tasks]) => {
    const live = (v: TaskView) => (v.task.last_status === "STOPPED" ? 1 : 0);
    tasks.sort((a, b) => live(a) - live(b) || (a.task.id < b.task.id ? -1 : a.task.id > b.task.id ? 1 : 0));
    const open = expanded.has(td);
    const shown = open ? tasks : tasks.slice(0, limit);
    const hiddenByState: Record<string, number> = {};
    for (const v of tasks.slice(shown.length)) hiddenByState[v.state] = (hiddenByState[v.state] ?? 0) + 1;
    return {
      key: td,
      taskDefinition: td,
      revision: revisionNumber(td),
      deployment: deploymentOf(td),
      shown,
      hidden: tasks.length - shown.length,
      hiddenByState,
      total: tasks.length,
      expanded: open && tasks.length > limit,
    };
  });
}

/** The image the service runs, for the node beside the tree. */
export interface ImageFacts {
  repository: string;
  tag: string | null;
  digest: string | null;
}

export type MapNodeData =
  | { kind: "internet" | "listener" | "lb" | "tg"; label: string; detail: string }
  | { kind: "group"; group: TaskGroup }
  | { kind: "task"; view: TaskView }
  | { kind: "container"; container: ContainerInfo; tone: NodeTone }
  | { kind: "more"; group: TaskGroup }
  | { kind: "image"; image: ImageFacts };

export type MapNode = Node<MapNodeData, "health">;

/** Node sizes by kind: fixed, so the layout needs no measuring. */
export const SIZE: Record<MapNodeData["kind"], { width: number; height: number }> = {
  internet: { width: 120, height: 52 },
  listener: { width: 130, height: 52 },
  lb: { width: 150, height: 52 },
  tg: { width: 150, height: 52 },
  group: { width: 170, height: 70 },
  task: { width: 200, height: 82 },
  more: { width: 200, height: 70 },
  container: { width: 176, height: 40 },
  image: { width: 190, height: 70 },
};

export interface MapInput {
  groups: TaskGroup[];
  listener: string;
  loadBalancer: string;
  targetGroup: string;
  image: ImageFacts | null;
}

const taskNodeId = (id: string) => `task:${id}`;

/** Every node's id and data, and the edges, in drawing order (no positions yet). */
export function mapContent(input: MapInput): { items: { id: string; data: MapNodeData }[]; edges: Edge[] } {
  const items: { id: string; data: MapNodeData }[] = [
    { id: "internet", data: { kind: "internet", label: "Internet", detail: "" } },
    { id: "listener", data: { kind: "listener", label: input.listener, detail: "" } },
    { id: "lb", data: { kind: "lb", label: input.loadBalancer, detail: "" } },
    { id: "tg", data: { kind: "tg", label: input.targetGroup, detail: "" } },
  ];
  const edges: Edge[] = [
    { id: "internet->listener", source: "internet", target: "listener" },
    { id: "listener->lb", source: "listener", target: "lb" },
    { id: "lb->tg", source: "lb", target: "tg" },
  ];
  for (const g of input.groups) {
    const gid = `group:${g.key}`;
    items.push({ id: gid, data: { kind: "group", group: g } });
    edges.push({ id: `tg->${gid}`, source: "tg", target: gid });
    for (const v of g.shown) {
      const tid = taskNodeId(v.task.id);
      items.push({ id: tid, data: { kind: "task", view: v } });
      edges.push({ id: `${gid}->${tid}`, source: gid, target: tid, class: v.tone });
      for (const c of v.task.containers) {
        const cid = `ctr:${v.task.id}:${c.name}`;
        items.push({ id: cid, data: { kind: "container", container: c, tone: containerTone(c) } });
        edges.push({ id: `${tid}->${cid}`, source: tid, target: cid, class: containerTone(c) });
      }
    }
    if (g.hidden > 0 || g.expanded) {
      const mid = `more:${g.key}`;
      items.push({ id: mid, data: { kind: "more", group: g } });
      edges.push({ id: `${gid}->${mid}`, source: gid, target: mid });
    }
  }
  if (input.image) {
    items.push({ id: "image", data: { kind: "image", image: input.image } });
    const primary = input.groups[0];
    if (primary) edges.push({ id: "image->primary", source: "image", target: `group:${primary.key}`, class: "image" });
  }
  return { items, edges };
}

/** What the layout depends on: the nodes and edges that exist, nothing about their states. */
export function structureKey(items: readonly { id: string }[], edges: readonly Edge[]): string {
  return `${items.map((i) => i.id).join("|")}#${edges.map((e) => e.id).join("|")}`;
}

/** Positions (top-left corners) from dagre, left to right. */
export function layoutMap(items: readonly { id: string; data: MapNodeData }[], edges: readonly Edge[]): Map<string, { x: number; y: number }> {
  const g = new Graph();
  g.setGraph({ rankdir: "LR", nodesep: 10, ranksep: 44, marginx: 8, marginy: 8 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const i of items) g.setNode(i.id, { ...SIZE[i.data.kind] });
  for (const e of edges) g.setEdge(e.source, e.target);
  layout(g);
  const out = new Map<string, { x: number; y: number }>();
  for (const i of items) {
    const p = g.node(i.id);
    const s = SIZE[i.data.kind];
    out.set(i.id, { x: Math.round(p.x - s.width / 2), y: Math.round(p.y - s.height / 2) });
  }
  stackRows(items, out);
  return out;
}

const ROW_GAP = 10;

/**
 * dagre picks the columns; the rows follow the map's own order (PRIMARY's tasks on top, live
 * before stopped), which dagre's crossing reduction would shuffle: tasks stack down their
 * column, each container beside its task, each group centred on its tasks, and the path in
 * (internet … target group) centred on the groups, with the image just above the target group.
 */
function stackRows(items: readonly { id: string; data: MapNodeData }[], pos: Map<string, { x: number; y: number }>): void {
  let cursor = 0;
  let groupTop = 0;
  let groupId: string | null = null;
  const groupSpans: [number, number][] = [];
  const closeGroup = () => {
    if (groupId === null) return;
    const h = SIZE.group.height;
    const bottom = Math.max(groupTop + h, cursor - ROW_GAP);
    pos.get(groupId)!.y = Math.round((groupTop + bottom) / 2 - h / 2);
    groupSpans.push([groupTop, bottom]);
    cursor = Math.max(cursor, groupTop + h + ROW_GAP) + ROW_GAP * 2;
  };
  let taskTop = 0;
  let containerCursor = 0;
  for (const i of items) {
    const k = i.data.kind;
    if (k === "group") {
      closeGroup();
      groupId = i.id;
      groupTop = cursor;
    } else if (k === "task" || k === "more") {
      cursor = Math.max(cursor, containerCursor);
      taskTop = cursor;
      pos.get(i.id)!.y = cursor;
      containerCursor = cursor;
      cursor += SIZE[k].height + ROW_GAP;
    } else if (k === "container") {
      pos.get(i.id)!.y = containerCursor + (containerCursor === taskTop ? Math.round((SIZE.task.height - SIZE.container.height) / 2) : 0);
      containerCursor += SIZE.container.height + ROW_GAP + (containerCursor === taskTop ? Math.round((SIZE.task.height - SIZE.container.height) / 2) : 0);
    }
  }
  cursor = Math.max(cursor, containerCursor);
  closeGroup();
  const top = groupSpans.length ? groupSpans[0]![0] : 0;
  const bottom = groupSpans.length ? groupSpans[groupSpans.length - 1]![1] : 0;
  const middle = (top + bottom) / 2;
  for (const k of ["internet", "listener", "lb", "tg"] as const) {
    const p = pos.get(k);
    if (p) p.y = Math.round(middle - SIZE[k].height / 2);
  }
  const image = pos.get("image");
  const tg = pos.get("tg");
  if (image && tg) {
    image.x = tg.x;
    image.y = tg.y - SIZE.image.height - 36;
  }
}

/** Svelte Flow nodes: positions from a layout, data from the latest look. */
export function placeNodes(items: readonly { id: string; data: MapNodeData }[], positions: Map<string, { x: number; y: number }>): MapNode[] {
  return items.map((i) => ({
    id: i.id,
    type: "health",
    position: positions.get(i.id) ?? { x: 0, y: 0 },
    width: SIZE[i.data.kind].width,
    height: SIZE[i.data.kind].height,
    data: i.data,
    draggable: false,
    connectable: false,
    deletable: false,
    selectable: i.data.kind === "task" || i.data.kind === "more",
  }));
}

/** Counts of task nodes per state, for summaries ("3 running, 2 pending"). */
export function countByState(tasks: readonly TaskInfo[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const t of tasks) {
    const s = t.last_status.toLowerCase();
    out[s] = (out[s] ?? 0) + 1;
  }
  return out;
}

/** What the map's nodes and edges read besides their props (a Svelte context). A look that only
 *  changes states reaches the nodes through `data` and the edges through `edgeClass`, keyed by
 *  id, so Svelte Flow's nodes and edges stay the same objects and only what changed is drawn
 *  again; highlighting a diagnosis's tasks does not remake any node either. */
export interface MapState {
  /** Task ids a diagnosis card points at (hovered or focused). */
  readonly highlighted: ReadonlySet<string>;
  /** Opens or folds a group's "+N more". */
  toggleGroup(key: string): void;
  /** A node's latest data (undefined before the first look that has it). */
  data(id: string): MapNodeData | undefined;
  /** An edge's latest tone class ("ok", "fail", …; "" for none). */
  edgeClass(id: string): string;
}

export const MAP_STATE = Symbol("health-map-state");

/** What a node shows, as text: a node whose signature is unchanged keeps its object, so Svelte
 *  Flow and the node's component skip it. */
export function nodeSignature(data: MapNodeData): string {
  switch (data.kind) {
    case "task": {
      const v = data.view;
      const t = v.task;
      return `${v.tone}|${v.health}|${t.last_status}|${t.desired_status}|${t.health}|${v.target?.state}|${v.target?.reason}|${t.private_ip}|${t.stopped_reason}|${t.stop_code}|${t.containers.map((c) => `${c.last_status}/${c.health}/${c.exit_code}/${c.reason}`).join(",")}`;
    }
    case "container":
      return `${data.tone}|${data.container.last_status}|${data.container.health}|${data.container.exit_code}|${data.container.reason}`;
    case "group":
    case "more": {
      const g = data.group;
      const d = g.deployment;
      return `${g.total}|${g.hidden}|${g.expanded}|${JSON.stringify(g.hiddenByState)}|${d?.status}|${d?.rollout_state}|${d?.running}|${d?.pending}|${d?.desired}`;
    }
    case "image":
      return `${data.image.repository}|${data.image.tag}|${data.image.digest}`;
    default:
      return `${data.label}|${data.detail}`;
  }
}

/** The next nodes: new ones where what they show changed, the previous objects elsewhere. */
export function reuseNodes(previous: readonly MapNode[], next: readonly MapNode[]): MapNode[] {
  const before = new Map(previous.map((n) => [n.id, n]));
  return next.map((n) => {
    const p = before.get(n.id);
    if (!p || p.position.x !== n.position.x || p.position.y !== n.position.y) return n;
    if (nodeSignature(p.data) !== nodeSignature(n.data)) return p.selected ? { ...n, selected: true } : n;
    return p;
  });
}

/** The nodes whose data shows something else than what `live` holds (new ones included): the
 *  only ones a look needs to draw again. */
export function changedData(live: ReadonlyMap<string, MapNodeData>, items: readonly { id: string; data: MapNodeData }[]): { id: string; data: MapNodeData }[] {
  return items.filter((i) => {
    const p = live.get(i.id);
    return p === undefined || (p !== i.data && nodeSignature(p) !== nodeSignature(i.data));
  });
}

/** Svelte Flow's edges for a layout: drawn by the map's own edge (HealthEdge), which takes its
 *  tone from the map's state, so a tone that changes does not replace the edge. */
export function flowEdges(edges: readonly Edge[]): Edge[] {
  return edges.map(({ class: _tone, ...e }) => ({ ...e, type: "health" }));
}
