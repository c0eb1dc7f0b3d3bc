// A build as the person follows it: one row per Dockerfile instruction, folded from the
// BuildEvents the backend streams. Pure, so every rule is unit-tested.
import type { BuildEvent } from "./bindings";

export type StepStatus = "pending" | "running" | "cached" | "done" | "failed" | "cancelled";

/** One instruction of the build. */
export interface BuildRow {
  /** 1-based, as the builder counts steps. */
  index: number;
  keyword: string;
  /** The instruction as the builder printed it; the keyword alone until the step starts. */
  instruction: string;
  /** The Dockerfile line it starts on, when known. */
  line: number | null;
  status: StepStatus;
  startedAt: number | null;
  finishedAt: number | null;
  layer: string | null;
  logs: string[];
  /** Log lines dropped from the start of `logs` to bound memory. */
  droppedLogs: number;
}

/** Everything the progress view shows, built up event by event. */
export interface BuildProgress {
  rows: BuildRow[];
  tags: string[];
  platform: string | null;
  context: { files: number; bytes: number; done: boolean } | null;
  warnings: string[];
  /** Lines printed before the first step or outside any step. */
  logs: string[];
  failure: { step: number | null; line: number | null; message: string } | null;
  built: Extract<BuildEvent, { kind: "built" }> | null;
}

/** How many log lines one row keeps (the newest). */
export const MAX_ROW_LOGS = 2000;

export function emptyProgress(): BuildProgress {
  return { rows: [], tags: [], platform: null, context: null, warnings: [], logs: [], failure: null, built: null };
}

function row(index: number, keyword = "", line: number | null = null): BuildRow {
  return { index, keyword, instruction: keyword, line, status: "pending", startedAt: null, finishedAt: null, layer: null, logs: [], droppedLogs: 0 };
}

/** The row for step `index`, created (with any rows before it) when the plan did not list it. */
function rowAt(p: BuildProgress, index: number): BuildRow {
  while (p.rows.length < index) p.rows.push(row(p.rows.length + 1));
  return p.rows[index - 1]!;
}

function finish(r: BuildRow, at: number | null): void {
  if (r.status === "running" || r.status === "pending") r.status = "done";
  r.finishedAt ??= at ?? r.startedAt;
}

function pushLog(logs: string[], text: string, r?: BuildRow): void {
  logs.push(text);
  if (logs.length > MAX_ROW_LOGS) {
    const drop = logs.length - MAX_ROW_LOGS;
    logs.splice(0, drop);
    if (r) r.droppedLogs += drop;
  }
}

/** Applies one event to `p` in place (it may be a Svelte state proxy) and returns it. */
export function applyBuildEvent(p: BuildProgress, e: BuildEvent): BuildProgress {
  switch (e.kind) {
    case "plan":
      p.rows = e.steps.map((s, i) => row(i + 1, s.keyword, s.line));
      p.tags = e.tags;
      p.platform = e.platform;
      break;
    case "context":
      p.context = { files: e.files, bytes: e.bytes, done: e.done };
      break;
    case "step_started": {
      // A step starting means every earlier one has finished, whatever the builder printed.
      rowAt(p, e.total);
      const r = rowAt(p, e.index);
      for (const earlier of p.rows) if (earlier.index < e.index) finish(earlier, e.at_ms);
      r.instruction = e.instruction;
      r.keyword = e.instruction.split(/\s+/, 1)[0]?.toUpperCase() ?? r.keyword;
      r.line = e.line ?? r.line;
      r.status = "running";
      r.startedAt = e.at_ms;
      break;
    }
    case "step_cached":
      rowAt(p, e.index).status = "cached";
      break;
    case "step_done": {
      const r = rowAt(p, e.index);
      r.layer = e.layer;
      finish(r, e.at_ms);
      break;
    }
    case "log":
      if (e.step === null || e.step < 1) pushLog(p.logs, e.text);
      else {
        const r = rowAt(p, e.step);
        pushLog(r.logs, e.text, r);
      }
      break;
    case "warning":
      if (!p.warnings.includes(e.message)) p.warnings.push(e.message);
      break;
    case "failed": {
      p.failure = { step: e.step, line: e.line, message: e.message };
      const r = e.step !== null ? rowAt(p, e.step) : e.line !== null ? p.rows.find((x) => x.line === e.line) : undefined;
      if (r) {
        r.status = "failed";
        if (e.line !== null) r.line = e.line;
      }
      break;
    }
    case "built":
      for (const r of p.rows) finish(r, null);
      p.built = e;
      break;
  }
  return p;
}

/** The rows for a whole list of events. */
export function buildRows(events: readonly BuildEvent[]): BuildRow[] {
  return events.reduce(applyBuildEvent, emptyProgress()).rows;
}

/** Marks the step that was running as cancelled (the build was stopped). */
export function cancelRows(p: BuildProgress): BuildProgress {
  for (const r of p.rows) if (r.status === "running") r.status = "cancelled";
  return p;
}

/** Steps finished (done or cached) out of all steps. */
export function stepsDone(rows: readonly BuildRow[]): { done: number; total: number; cached: number } {
  let done = 0;
  let cached = 0;
  for (const r of rows) {
    if (r.status === "done" || r.status === "cached") done++;
    if (r.status === "cached") cached++;
  }
  return { done, total: rows.length, cached };
}

/** The row that is running now, if any. */
export function runningRow(rows: readonly BuildRow[]): BuildRow | undefined {
  return rows.find((r) => r.status === "running");
}

/** Each instruction of a Dockerfile by the line it starts on, continuation lines joined. */
export function instructionsByLine(dockerfile: string): Map<number, string> {
  const lines = dockerfile.split(/\r?\n/);
  const out = new Map<number, string>();
  for (let i = 0; i < lines.length; i++) {
    const first = lines[i]!.trim();
    if (!first || first.startsWith("#")) continue;
    const start = i + 1;
    let text = first;
    while (text.endsWith("\\") && i + 1 < lines.length) {
      i++;
      const next = lines[i]!.trim();
      if (next.startsWith("#")) continue;
      text = `${text.slice(0, -1).trimEnd()} ${next}`;
    }
    out.set(start, text);
  }
  return out;
}

/** Gives rows that only know their keyword (they have not started) the whole instruction. */
export function describeRows(p: BuildProgress, dockerfile: string): BuildProgress {
  const byLine = instructionsByLine(dockerfile);
  for (const r of p.rows) {
    const text = r.line === null ? undefined : byLine.get(r.line);
    if (r.startedAt === null && text && text.split(/\s+/, 1)[0]!.toUpperCase() === r.keyword) r.instruction = text;
  }
  return p;
}
