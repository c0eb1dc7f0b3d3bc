// What a rolling deployment does with desired count, minimum healthy percent and maximum
// percent: ECS keeps at least ceil(desired × min%) tasks healthy and runs at most
// floor(desired × max%) at once, starting new tasks and stopping old ones within those bounds.

/** Old and new tasks running at one moment of a rollout. */
export interface RolloutFrame {
  old: number;
  new: number;
}

/** How a rollout goes, for the sentence and the little diagram next to the settings. */
export interface RollingPlan {
  desired: number;
  /** Never fewer than this many tasks run during the rollout. */
  minRunning: number;
  /** Never more than this many tasks run at once, old and new together. */
  maxRunning: number;
  /** From all old to all new; the first frame is before anything happens. */
  frames: RolloutFrame[];
  /** What happens first: new tasks start, or old tasks stop to make room. */
  first: "start" | "stop" | null;
  /** How many tasks the first move starts or stops. */
  firstCount: number;
  /** How many times new tasks are started. */
  rounds: number;
  /** The numbers allow neither starting a new task nor stopping an old one. */
  stuck: boolean;
}

/** Simulates the rollout of `desired` tasks (the scheduler's bounds, step by step). */
export function rollingPlan(desired: number, minHealthyPercent: number, maxPercent: number): RollingPlan {
  const d = Math.max(0, Math.floor(desired));
  const minRunning = Math.min(d, Math.ceil((d * Math.max(0, minHealthyPercent)) / 100));
  const maxRunning = Math.max(d, Math.floor((d * Math.max(0, maxPercent)) / 100));
  const frames: RolloutFrame[] = [{ old: d, new: 0 }];
  let old = d;
  let fresh = 0;
  let first: RollingPlan["first"] = null;
  let firstCount = 0;
  let rounds = 0;
  let stuck = false;
  // Each pass: start what fits under the maximum, then (once those are healthy) stop the old
  // tasks the minimum allows. A pass that can do neither would repeat forever.
  while (old > 0 || fresh < d) {
    const start = Math.min(maxRunning - (old + fresh), d - fresh);
    if (start > 0) {
      fresh += start;
      rounds++;
      frames.push({ old, new: fresh });
      if (!first) [first, firstCount] = ["start", start];
    }
    const stop = Math.min(old, old + fresh - minRunning);
    if (stop > 0) {
      old -= stop;
      frames.push({ old, new: fresh });
      if (!first) [first, firstCount] = ["stop", stop];
    }
    if (start <= 0 && stop <= 0) {
      stuck = true;
      break;
    }
  }
  return { desired: d, minRunning, maxRunning, frames, first, firstCount, rounds, stuck };
}

/** The sentence that explains a rollout: a message key under `service.rolling` and its values. */
export function rollingSentence(plan: RollingPlan): { key: string; values: Record<string, number> } {
  const values = { desired: plan.desired, min: plan.minRunning, max: plan.maxRunning, count: plan.firstCount, rounds: plan.rounds };
  if (plan.desired === 0) return { key: "none", values };
  if (plan.stuck) return { key: "stuck", values };
  if (plan.first === "start") return { key: plan.rounds === 1 ? "surgeOnce" : "surge", values };
  return { key: "replace", values };
}
