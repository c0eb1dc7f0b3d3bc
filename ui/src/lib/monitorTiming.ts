// When the Monitor step looks again at what the backend does not stream (the pipeline), and how
// the live status bar counts down to the next look.
import type { Activity, NodeState } from "./bindings";

/** The pipeline's latest run is looked at every 5 s while it runs. */
export const PIPELINE_LIVE_MS = 5_000;
/** ...and every 30 s otherwise (a new run may start from a commit). */
export const PIPELINE_IDLE_MS = 30_000;

/** The delay before the next look at the pipeline; null while the window is hidden. */
export function pipelinePollDelay(state: NodeState | null, hidden: boolean): number | null {
  if (hidden) return null;
  return state === "in_progress" || state === "stopping" ? PIPELINE_LIVE_MS : PIPELINE_IDLE_MS;
}

/** Whole seconds until the next look (never negative); null when none is scheduled. */
export function secondsUntil(nextLookAt: number | null, now: number): number | null {
  if (nextLookAt === null) return null;
  return Math.max(0, Math.ceil((nextLookAt - now) / 1000));
}

/** What the status bar says the watch is doing: the backend's activity, or paused while hidden. */
export function activityKey(activity: Activity | null, hidden: boolean): "moving" | "steady" | "paused" | "starting" {
  if (hidden || activity === "hidden") return "paused";
  return activity ?? "starting";
}
