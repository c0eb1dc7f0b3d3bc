// An apply (or a destroy) as the person follows it: a state per plan step, folded from the
// ApplyEvents the backend streams, then the rollout as timeline rows. Pure, so every rule is
// unit-tested; the functions change `p` in place so it can be a Svelte state proxy.
import type { ApplyEvent, DeployEvent, ErrorBody, Plan, ServiceHealth } from "./bindings";

export type StepStatus = "pending" | "running" | "done" | "failed" | "skipped" | "unchanged";

/** One plan step during the apply. */
export interface StepState {
  key: string;
  status: StepStatus;
  /** When the step started, in ms since the epoch (the UI's clock). */
  startedAt: number | null;
  finishedAt: number | null;
  /** How long the backend says the step took. */
  durationMs: number | null;
  error: ErrorBody | null;
  /** Why it was skipped. */
  reason: string | null;
}

/** Everything the per-step views show, built up event by event. */
export interface StepProgress {
  /** The plan's keys, in plan order. */
  order: string[];
  steps: Record<string, StepState>;
}

/** One look at the service during the rollout that had something new to say. */
export interface TimelineRow {
  elapsedMs: number;
  note: string;
  running: number;
  pending: number;
  desired: number;
  healthyTargets: number;
  steady: boolean;
  /** Something went wrong at this look: more tasks failed, or a deployment failed. */
  trouble: boolean;
}

/** An apply: its steps, then the rollout. */
export interface DeployProgress extends StepProgress {
  phase: "apply" | "rollout";
  timeline: TimelineRow[];
  /** The latest look at the service, noted or not. */
  health: ServiceHealth | null;
  steady: boolean;
  rolloutElapsedMs: number;
  /** Tasks the deployments count as failed, at the latest look. */
  failedTasks: number;
}

/** Steps are pending until they run; steps that keep what exists never run at all. */
export function stepProgress(plan: Plan | null): StepProgress {
  const steps: Record<string, StepState> = {};
  for (const s of plan?.steps ?? []) {
    steps[s.key] = {
      key: s.key,
      status: s.action === "keep" ? "unchanged" : "pending",
      startedAt: null,
      finishedAt: null,
      durationMs: null,
      error: null,
      reason: null,
    };
  }
  return { order: plan?.steps.map((s) => s.key) ?? [], steps };
}

export function deployProgress(plan: Plan | null): DeployProgress {
  return { ...stepProgress(plan), phase: "apply", timeline: [], health: null, steady: false, rolloutElapsedMs: 0, failedTasks: 0 };
}

function stateOf(p: StepProgress, key: string): StepState {
  // A step the plan did not list (the backend re-planned): keep it rather than lose its news.
  if (!p.steps[key]) {
    p.order.push(key);
    p.steps[key] = { key, status: "pending", startedAt: null, finishedAt: null, durationMs: null, error: null, reason: null };
  }
  return p.steps[key]!;
}

/** Applies one step event, seen at `at` (ms since the epoch). */
export function applyStepEvent<P extends StepProgress>(p: P, e: ApplyEvent, at: number): P {
  const s = stateOf(p, e.key);
  switch (e.kind) {
    case "step_started":
      s.status = "running";
      s.startedAt = at;
      break;
    case "step_done":
      s.status = "done";
      s.durationMs = e.duration_ms;
      s.startedAt ??= at - e.duration_ms;
      s.finishedAt = at;
      break;
    case "step_failed":
      s.status = "failed";
      s.error = e.error;
      s.finishedAt = at;
      break;
    case "step_skipped":
      s.status = "skipped";
      s.reason = e.reason;
      break;
  }
  return p;
}

/** The number of healthy targets in a look at the service. */
export function healthyTargets(h: ServiceHealth): number {
  return h.targets.filter((t) => t.state === "healthy").length;
}

/** Applies one deploy event: a step's news, or a look at the service during the rollout. */
export function applyDeployEvent(p: DeployProgress, e: DeployEvent, at: number): DeployProgress {
  if (e.phase === "apply") return applyStepEvent(p, e.event, at);
  const u = e.update;
  const failedTasks = u.health.deployments.reduce((n, d) => n + d.failed, 0);
  const trouble = failedTasks > p.failedTasks || u.health.deployments.some((d) => d.rollout_state === "FAILED");
  p.phase = "rollout";
  p.health = u.health;
  p.steady = u.steady;
  p.rolloutElapsedMs = u.elapsed_ms;
  p.failedTasks = failedTasks;
  if (u.note) {
    p.timeline.push({
      elapsedMs: u.elapsed_ms,
      note: u.note,
      running: u.health.running,
      pending: u.health.pending,
      desired: u.health.desired,
      healthyTargets: healthyTargets(u.health),
      steady: u.steady,
      trouble,
    });
  }
  return p;
}

/** The progress a whole list of events makes, from a plan. */
export function foldDeploy(plan: Plan, events: readonly DeployEvent[], at = 0): DeployProgress {
  return events.reduce((p, e) => applyDeployEvent(p, e, at), deployProgress(plan));
}

/** Steps that run (everything but unchanged ones), and how they ended so far. */
export function stepCounts(p: StepProgress): { total: number; done: number; running: number; failed: number; skipped: number; pending: number } {
  const c = { total: 0, done: 0, running: 0, failed: 0, skipped: 0, pending: 0 };
  for (const key of p.order) {
    const s = p.steps[key];
    if (!s || s.status === "unchanged") continue;
    c.total++;
    c[s.status]++;
  }
  return c;
}

/** After a cancel or a lost connection: steps that had not finished did not run. */
export function settleSteps(p: StepProgress, reason: string): StepProgress {
  for (const key of p.order) {
    const s = p.steps[key];
    if (s && (s.status === "pending" || s.status === "running")) {
      s.status = "skipped";
      s.reason ??= reason;
    }
  }
  return p;
}
