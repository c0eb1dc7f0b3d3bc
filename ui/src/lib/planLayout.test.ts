import { describe, expect, it } from "vitest";
import type { PlanStep } from "./bindings";
import { NODE_HEIGHT, NODE_WIDTH, planGraph } from "./planLayout";

const step = (key: string, deps: string[], action: PlanStep["action"] = "create"): PlanStep => ({
  key, kind: "service", name: key, action, reason: "", purpose: "", changes: [], calls: [], deps, id: null,
});
// The first deploy's graph, as crates/core/src/plan/service.rs builds it.
const steps = [
  step("network", [], "read"),
  step("sg-alb", ["network"]),
  step("sg-tasks", ["network", "sg-alb"]),
  step("alb", ["network", "sg-alb"]),
  step("tg", ["network"]),
  step("listener-http", ["alb", "tg"]),
  step("role-exec", []),
  step("logs", []),
  step("cluster", []),
  step("taskdef", ["role-exec", "logs"]),
  step("service", ["cluster", "taskdef", "sg-tasks", "tg", "listener-http", "network"]),
];

describe("plan layout", () => {
  const { nodes, edges } = planGraph(steps);
  const at = (key: string) => nodes.find((n) => n.id === key)!.position;

  it("makes a node per step and an edge per dependency", () => {
    expect(nodes.map((n) => n.id)).toEqual(steps.map((s) => s.key));
    expect(edges).toHaveLength(steps.reduce((n, s) => n + s.deps.length, 0));
    expect(edges).toContainEqual(expect.objectContaining({ id: "taskdef->service", source: "taskdef", target: "service" }));
    expect(nodes.every((n) => n.type === "step" && n.width === NODE_WIDTH && n.height === NODE_HEIGHT && n.draggable === false)).toBe(true);
  });

  it("lays dependencies out left to right: every edge points right", () => {
    for (const e of edges) expect(at(e.source).x, `${e.source} -> ${e.target}`).toBeLessThan(at(e.target).x);
    expect(at("network").x).toBe(Math.min(...nodes.map((n) => n.position.x)));
    expect(at("service").x).toBe(Math.max(...nodes.map((n) => n.position.x)));
  });

  it("uses one column per step of the longest chain, and no two nodes overlap", () => {
    // network → sg-alb → alb → listener-http → service: five columns.
    expect(new Set(nodes.map((n) => n.position.x)).size).toBe(5);
    for (const a of nodes) {
      for (const b of nodes) {
        if (a === b) continue;
        const apart = Math.abs(a.position.x - b.position.x) >= NODE_WIDTH || Math.abs(a.position.y - b.position.y) >= NODE_HEIGHT;
        expect(apart, `${a.id} and ${b.id}`).toBe(true);
      }
    }
  });

  it("ignores dependencies on steps the plan does not have", () => {
    const { edges } = planGraph([step("service", ["cluster", "gone"]), step("cluster", [])]);
    expect(edges.map((e) => e.id)).toEqual(["cluster->service"]);
  });
});
