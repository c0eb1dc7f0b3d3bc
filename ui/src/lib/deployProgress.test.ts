import { describe, expect, it } from "vitest";
import type { DeployEvent, Plan, PlanStep, ServiceHealth } from "./bindings";
import { applyDeployEvent, deployProgress, foldDeploy, settleSteps, stepCounts } from "./deployProgress";

const step = (key: string, action: PlanStep["action"], deps: string[] = []): PlanStep => ({
  key, kind: "security_group", name: key, action, reason: "", purpose: "", changes: [], calls: [], deps, id: null,
});
const plan: Plan = {
  project: "shop-api",
  steps: [step("network", "read"), step("sg-alb", "create", ["network"]), step("logs", "keep"), step("taskdef", "update", ["logs"]), step("service", "update", ["taskdef", "sg-alb"])],
  critical_path: 2,
};
const apply = (event: Extract<DeployEvent, { phase: "apply" }>["event"]): DeployEvent => ({ phase: "apply", event });

function health(running: number, pending: number, healthy: number, draining = 0): ServiceHealth {
  const t = (state: string, i: number) => ({ id: `10.0.1.${i}`, port: 5000, state, reason: null, description: null });
  return {
    cluster: "shop-api", service: "shop-api", status: "ACTIVE", desired: 2, running, pending, task_definition: "shop-api:4",
    deployments: [], tasks: [],
    targets: [...Array.from({ length: healthy }, (_, i) => t("healthy", i)), ...Array.from({ length: draining }, (_, i) => t("draining", 10 + i))],
    events: [], observed_ms: 0,
  };
}
const rollout = (h: ServiceHealth, note: string | null, elapsed_ms: number, steady = false): DeployEvent => ({ phase: "rollout", update: { health: h, note, elapsed_ms, steady } });

describe("deploy progress", () => {
  it("starts with every step that runs pending and kept steps unchanged", () => {
    const p = deployProgress(plan);
    expect(p.order).toEqual(["network", "sg-alb", "logs", "taskdef", "service"]);
    expect(Object.values(p.steps).map((s) => s.status)).toEqual(["pending", "pending", "unchanged", "pending", "pending"]);
    expect(stepCounts(p)).toMatchObject({ total: 4, pending: 4, done: 0 });
  });

  it("follows steps through running and done, timing them on the UI's clock", () => {
    const p = deployProgress(plan);
    applyDeployEvent(p, apply({ kind: "step_started", key: "network", action: "read" }), 1000);
    applyDeployEvent(p, apply({ kind: "step_started", key: "taskdef", action: "update" }), 1010);
    expect(stepCounts(p)).toMatchObject({ running: 2, pending: 2 });
    applyDeployEvent(p, apply({ kind: "step_done", key: "network", action: "read", id: "vpc-1", duration_ms: 180 }), 1180);
    expect(p.steps.network).toMatchObject({ status: "done", startedAt: 1000, finishedAt: 1180, durationMs: 180 });
    expect(p.steps.taskdef!.status).toBe("running");
    expect(p.phase).toBe("apply");
  });

  it("keeps a failed step's error and the skip reason of the steps after it", () => {
    const error = { code: "access_denied" as const, message: "not authorized to perform: iam:PassRole", hint: "Ask for iam:PassRole." };
    const p = foldDeploy(plan, [
      apply({ kind: "step_started", key: "taskdef", action: "update" }),
      apply({ kind: "step_failed", key: "taskdef", error }),
      apply({ kind: "step_skipped", key: "service", reason: "taskdef failed first" }),
    ]);
    expect(p.steps.taskdef).toMatchObject({ status: "failed", error });
    expect(p.steps.service).toMatchObject({ status: "skipped", reason: "taskdef failed first" });
    expect(stepCounts(p)).toMatchObject({ failed: 1, skipped: 1, pending: 2 });
  });

  it("turns rollout looks with a note into timeline rows, and keeps the latest look either way", () => {
    const p = foldDeploy(plan, [
      rollout(health(0, 2, 0), "0 of 2 tasks running, 0 healthy targets", 10),
      rollout(health(0, 2, 0), null, 400),
      rollout(health(2, 0, 1, 1), "2 of 2 tasks running; 1 healthy targets", 800),
      rollout(health(2, 0, 2), "2 healthy targets; (service shop-api) has reached a steady state.", 1200, true),
    ]);
    expect(p.phase).toBe("rollout");
    expect(p.timeline.map((r) => [r.elapsedMs, r.running, r.pending, r.healthyTargets, r.steady])).toEqual([
      [10, 0, 2, 0, false],
      [800, 2, 0, 1, false],
      [1200, 2, 0, 2, true],
    ]);
    expect(p.timeline[1]!.note).toBe("2 of 2 tasks running; 1 healthy targets");
    expect(p.steady).toBe(true);
    expect(p.rolloutElapsedMs).toBe(1200);
    expect(p.health?.targets).toHaveLength(2);
    expect(p.timeline.some((r) => r.trouble)).toBe(false);
  });

  it("marks the looks where tasks failed or the deployment failed", () => {
    const dep = (failed: number, rollout: string) => ({
      id: "ecs-svc/4", status: "PRIMARY", rollout_state: rollout, rollout_reason: null, task_definition: "shop-api:4",
      desired: 2, running: 0, pending: 0, failed, created_ms: null, updated_ms: null,
    });
    const look = (failed: number, rollout: string) => ({ ...health(0, 0, 2), deployments: [dep(failed, rollout)] });
    const p = foldDeploy(plan, [
      rollout(look(0, "IN_PROGRESS"), "2 starting", 10),
      rollout(look(1, "IN_PROGRESS"), "task 45c4 stopped: Essential container in task exited", 400),
      rollout(look(1, "IN_PROGRESS"), null, 800),
      rollout(look(1, "IN_PROGRESS"), "1 starting", 1200),
      rollout(look(3, "FAILED"), "deployment failed: tasks failed to start.", 1600),
    ]);
    expect(p.timeline.map((r) => r.trouble)).toEqual([false, true, false, true]);
    expect(p.failedTasks).toBe(3);
  });

  it("does not drop news about a step the plan did not list", () => {
    const p = foldDeploy(plan, [apply({ kind: "step_started", key: "scaling-target", action: "create" })]);
    expect(p.order.at(-1)).toBe("scaling-target");
    expect(p.steps["scaling-target"]!.status).toBe("running");
  });

  it("settles what never finished once the apply is over", () => {
    const p = foldDeploy(plan, [apply({ kind: "step_started", key: "network", action: "read" })]);
    settleSteps(p, "the apply was cancelled");
    expect(p.steps.network).toMatchObject({ status: "skipped", reason: "the apply was cancelled" });
    expect(p.steps.logs!.status).toBe("unchanged");
  });
});
