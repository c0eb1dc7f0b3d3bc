// The mock's apply machinery shared by steps 4 and 5: a Channel sender with Tauri's ordering
// index, the walk of a plan like crates/engine/src/apply.rs (bounded concurrency, a failure or a
// cancel stops new steps, the rest are skipped), and the operations that can be cancelled.
import type { Channel } from "@tauri-apps/api/core";
import type { ApplyEvent, ApplyReport, ErrorBody, Plan, PlanStep } from "../lib/bindings";

const CONCURRENCY = 4;

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Sends on a channel with the ordering index Tauri's Channel expects. */
export function sender<T>(channel: Channel<T>): (message: T) => void {
  let index = 0;
  return (message) => window.__TAURI_INTERNALS__.runCallback(channel.id, { index: index++, message });
}

/** Operations under way (cancel_operation is answered for these) and the ones asked to stop. */
export const operations = new Set<string>();
export const cancelled = new Set<string>();

let runIds = 40;

/** The longest chain of dependent changing steps. */
export function criticalPath(steps: PlanStep[]): number {
  const depth = new Map<string, number>();
  for (const s of steps) {
    const below = Math.max(0, ...s.deps.map((d) => depth.get(d) ?? 0));
    depth.set(s.key, below + (s.action === "keep" || s.action === "read" ? 0 : 1));
  }
  return Math.max(0, ...depth.values());
}

export interface WalkOptions {
  /** How long a step takes, in ms. */
  duration: (step: PlanStep) => number;
  /** The id a finished step reports. */
  idOf: (step: PlanStep) => string;
  /** A step that fails, with its error. */
  fail?: { key: string; error: ErrorBody } | null;
}

/** Walks a plan: ready steps start (at most 4 at once), a failure or a cancel stops new ones,
 *  running ones finish, the rest are skipped. */
export async function walk(plan: Plan, operation: string, send: (e: ApplyEvent) => void, o: WalkOptions): Promise<ApplyReport> {
  const fail = o.fail ?? null;
  const started = Date.now();
  const inPlan = new Set(plan.steps.map((s) => s.key));
  const finished = new Set(plan.steps.filter((s) => s.action === "keep").map((s) => s.key));
  let pending = plan.steps.filter((s) => s.action !== "keep");
  const running = new Map<string, Promise<string>>();
  const startedAt = new Map<string, number>();
  const done: string[] = [];
  let failed: { key: string; error: ErrorBody } | null = null;
  let stopped = false;
  while (pending.length > 0 || running.size > 0) {
    if (cancelled.has(operation)) stopped = true;
    if (!failed && !stopped) {
      for (const step of [...pending]) {
        if (running.size >= CONCURRENCY) break;
        if (!step.deps.every((d) => finished.has(d) || !inPlan.has(d))) continue;
        pending = pending.filter((s) => s !== step);
        send({ kind: "step_started", key: step.key, action: step.action });
        startedAt.set(step.key, Date.now());
        const ms = fail?.key === step.key ? 450 : o.duration(step);
        running.set(step.key, sleep(ms).then(() => step.key));
      }
    }
    if (running.size === 0) break;
    const key = await Promise.race(running.values());
    running.delete(key);
    const step = plan.steps.find((s) => s.key === key)!;
    if (fail?.key === key) {
      failed = fail;
      send({ kind: "step_failed", key, error: fail.error });
    } else {
      finished.add(key);
      done.push(key);
      send({ kind: "step_done", key, action: step.action, id: o.idOf(step), duration_ms: Date.now() - startedAt.get(key)! });
    }
  }
  for (const step of pending) {
    const reason = stopped ? "the apply was cancelled" : failed ? `${failed.key} failed first` : "a step it needs did not finish";
    send({ kind: "step_skipped", key: step.key, reason });
  }
  return { run_id: ++runIds, done, failed, cancelled: stopped && !failed, duration_ms: Date.now() - started };
}
