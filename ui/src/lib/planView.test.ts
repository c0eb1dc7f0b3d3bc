import { describe, expect, it } from "vitest";
import type { PlanStep } from "./bindings";
import { actionCounts, changesAnything, formatUsd, groupSteps, localReason, localSkip, revisionOf, splitCall } from "./planView";

const step = (key: string, action: PlanStep["action"], reason = ""): PlanStep => ({
  key, kind: "service", name: key, action, reason, purpose: "", changes: [], calls: [], deps: [], id: null,
});

describe("plan view", () => {
  const steps = [step("network", "read"), step("logs", "keep"), step("taskdef", "update"), step("old", "delete"), step("alb", "create"), step("cluster", "keep"), step("service", "update")];

  it("groups steps by action in a fixed order, plan order inside a group, unchanged last", () => {
    expect(groupSteps(steps).map((g) => [g.action, g.steps.map((s) => s.key)])).toEqual([
      ["create", ["alb"]],
      ["update", ["taskdef", "service"]],
      ["delete", ["old"]],
      ["read", ["network"]],
      ["keep", ["logs", "cluster"]],
    ]);
  });

  it("counts actions and knows a no-op plan", () => {
    const plan = { project: "shop-api", steps, critical_path: 1 };
    expect(actionCounts(plan)).toEqual({ create: 1, update: 2, replace: 0, delete: 1, read: 1, keep: 2 });
    expect(changesAnything(plan)).toBe(true);
    expect(changesAnything({ ...plan, steps: [step("network", "read"), step("logs", "keep")] })).toBe(false);
  });

  it("recognises the engine's reasons so they can be translated, and leaves others alone", () => {
    expect(localReason(step("alb", "create", "no load balancer named shop-api exists yet"))).toEqual({ key: "create", values: { name: "shop-api" } });
    expect(localReason(step("taskdef", "update", "container.image, memory changed: registers a new revision"))).toEqual({ key: "newRevision", values: { fields: "container.image, memory" } });
    expect(localReason(step("service", "update", "task_definition changed: updates the service (a rolling deployment when the task definition changes)"))?.key).toBe("rolling");
    expect(localReason(step("tg", "replace", "port cannot change in place"))).toEqual({ key: "replace", values: { fields: "port" } });
    expect(localReason(step("logs", "update", "retention_days changed"))).toEqual({ key: "update", values: { fields: "retention_days" } });
    expect(localReason(step("network", "read", "uses vpc-0c4f (default VPC)"))).toEqual({ key: "uses", values: { name: "vpc-0c4f (default VPC)" } });
    expect(localReason(step("x", "create", "something new the engine says"))).toBeNull();
  });

  it("translates the engine's skip reasons it knows", () => {
    const t = (key: string, o?: { values?: Record<string, string> }) => `${key}${o?.values ? JSON.stringify(o.values) : ""}`;
    expect(localSkip("taskdef failed first", t)).toBe('service.skip.failedFirst{"key":"taskdef"}');
    expect(localSkip("the apply was cancelled", t)).toBe("service.skip.cancelled");
    expect(localSkip("a reason from later", t)).toBe('service.skip.other{"reason":"a reason from later"}');
  });

  it("splits calls and task definitions for compact display", () => {
    expect(splitCall("elasticloadbalancing:CreateLoadBalancer")).toEqual({ service: "elasticloadbalancing", operation: "CreateLoadBalancer" });
    expect(revisionOf("arn:aws:ecs:us-east-1:123456789012:task-definition/shop-api:4")).toBe("shop-api:4");
    expect(formatUsd(1.7249, "en", 2)).toBe("$1.72");
    expect(formatUsd(0.07187, "en", 4)).toBe("$0.0719");
  });
});
