// Pipeline runs as the person reads them: a state's tone, a run's CodePipeline status as a
// state, durations, when to look at the list again, and a build's phases as a compact strip.
import type { ActionView, BuildInfo, BuildPhase, NodeState, PipelineRun, RunView } from "./bindings";

export const NODE_STATES: readonly NodeState[] = ["not_started", "in_progress", "succeeded", "failed", "stopping", "stopped", "superseded", "abandoned", "unknown"];

/** The colour family a state is drawn in (a CSS class of the run views). */
export type Tone = "ok" | "fail" | "run" | "idle" | "halt" | "unknown";

export function toneOf(state: NodeState): Tone {
  switch (state) {
    case "succeeded":
      return "ok";
    case "failed":
      return "fail";
    case "in_progress":
    case "stopping":
      return "run";
    case "stopped":
    case "abandoned":
    case "superseded":
      return "halt";
    case "not_started":
      return "idle";
    default:
      return "unknown";
  }
}

/** Whether the state can still change by itself. */
export function isLive(state: NodeState): boolean {
  return state === "in_progress" || state === "stopping";
}

/** A run's CodePipeline status (InProgress, Succeeded, Failed, ...) as a node state. */
export function runState(status: string): NodeState {
  const table: Record<string, NodeState> = {
    InProgress: "in_progress",
    Succeeded: "succeeded",
    Failed: "failed",
    Stopping: "stopping",
    Stopped: "stopped",
    Superseded: "superseded",
    Cancelled: "abandoned",
  };
  return table[status] ?? "unknown";
}

/** Words for a duration's units, in the person's language. */
export interface SpanUnits {
  h: string;
  min: string;
  s: string;
}

/** A duration as people say it: "45 s", "4 min 12 s", "1 h 03 min"; under a second reads "0 s". */
export function formatSpan(ms: number, u: SpanUnits = { h: "h", min: "min", s: "s" }): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return `${h} ${u.h} ${String(m).padStart(2, "0")} ${u.min}`;
  if (m > 0) return `${m} ${u.min} ${s} ${u.s}`;
  return `${s} ${u.s}`;
}

/** How long an action ran: so far while it runs, start to last update once it ended. */
export function actionDuration(a: Pick<ActionView, "state" | "started_ms" | "updated_ms">, now: number): number | null {
  if (a.started_ms === null) return null;
  if (isLive(a.state)) return Math.max(0, now - a.started_ms);
  if (a.updated_ms === null) return null;
  return Math.max(0, a.updated_ms - a.started_ms);
}

/** How long a run took, or has taken so far. */
export function runDuration(r: PipelineRun, now: number): number | null {
  if (r.duration_ms !== null) return r.duration_ms;
  if (r.started_ms !== null && isLive(runState(r.status))) return Math.max(0, now - r.started_ms);
  return null;
}

/** Polling of the run list: soon while a run just started is not listed yet, every 5 s while
 *  one runs, otherwise not at all (the person refreshes). */
export const RUNS_POLL_MS = 5000;
export const AWAIT_POLL_MS = 1500;

export function runsRefreshDelay(runs: readonly PipelineRun[], awaiting: string | null): number | null {
  if (awaiting !== null && !runs.some((r) => r.id === awaiting)) return AWAIT_POLL_MS;
  if (runs.some((r) => isLive(runState(r.status)))) return RUNS_POLL_MS;
  return null;
}

/** Polling of the run shown: every 3 s while it (or any of its actions) can still change. */
export const VIEW_POLL_MS = 3000;

export function viewRefreshDelay(v: RunView | null): number | null {
  if (!v) return null;
  const live = isLive(v.state) || isLive(runState(v.run.status)) || v.stages.some((s) => s.actions.some((a) => isLive(a.state)));
  return live ? VIEW_POLL_MS : null;
}

/** What started a run, as a key of pipeline.trigger. */
export function triggerKey(trigger: string | null): string {
  switch (trigger) {
    case "StartPipelineExecution":
      return "manual";
    case "CreatePipeline":
      return "create";
    case "Webhook":
    case "WebhookV2":
      return "webhook";
    case "PollForSourceChanges":
      return "poll";
    case "PutActionRevision":
      return "upload";
    case "CloudWatchEvent":
      return "event";
    default:
      return "other";
  }
}

/** A revision short enough for a table: a commit's first 7 hex digits, else the first 10 characters. */
export function shortRevision(rev: string): string {
  if (/^[0-9a-f]{40}$/i.test(rev)) return rev.slice(0, 7);
  return rev.length > 12 ? `${rev.slice(0, 10)}…` : rev;
}

/** The phases a build strip shows, in CodeBuild's order (SUBMITTED and COMPLETED say nothing). */
export const STRIP_PHASES: readonly string[] = ["QUEUED", "PROVISIONING", "DOWNLOAD_SOURCE", "INSTALL", "PRE_BUILD", "BUILD", "POST_BUILD", "UPLOAD_ARTIFACTS", "FINALIZING"];

export interface StripCell {
  name: string;
  state: NodeState;
  durationS: number | null;
  message: string | null;
}

/** The build's phases as strip cells: every strip phase, not started until CodeBuild reports it. */
export function phaseStrip(phases: readonly BuildPhase[]): StripCell[] {
  return STRIP_PHASES.map((name) => {
    const p = phases.find((x) => x.name === name);
    return { name, state: p?.state ?? "not_started", durationS: p?.duration_s ?? null, message: p?.message ?? null };
  });
}

/** Whether a build still writes to its log. */
export function buildRunning(b: BuildInfo | null): boolean {
  if (!b) return false;
  if (b.status) return b.status === "IN_PROGRESS";
  return b.current_phase !== null && b.current_phase !== "COMPLETED";
}

/** A stable key for one action of a run (stage and action names are unique in a pipeline). */
export function actionKey(stage: string, action: string): string {
  return `${stage}/${action}`;
}

/** The run's action whose log is open, as the view now has it. */
export function findAction(v: RunView | null, key: string | null): ActionView | null {
  if (!v || !key) return null;
  for (const s of v.stages) for (const a of s.actions) if (actionKey(s.name, a.name) === key) return a;
  return null;
}

/** The build action to open first in a run: the failed one, else the running one. */
export function interestingBuild(v: RunView): string | null {
  const builds = v.stages.flatMap((s) => s.actions.filter((a) => a.build?.log_group && a.build.log_stream).map((a) => ({ key: actionKey(s.name, a.name), a })));
  return (builds.find((b) => b.a.state === "failed") ?? builds.find((b) => isLive(b.a.state)))?.key ?? null;
}
