// Step 5's state per project, kept for the session: an apply, a destroy or a followed run goes
// on (and stays visible) while the person looks at another screen. Polling timers live in the
// screen, which calls the loaders here.
import * as backend from "./backend";
import {
  Channel,
  type ApplyEvent,
  type BuildspecInfo,
  type ErrorBody,
  type Plan,
  type PipelineDestroyOutcome,
  type PipelineOutcome,
  type PipelinePlan,
  type PipelineRun,
  type ProjectSpec,
  type RunView,
} from "./backend";
import { operationId } from "./buildRun.svelte";
import { applyStepEvent, settleSteps, stepProgress, type StepProgress } from "./deployProgress";
import { emptyLog, mergePage, type LogFollow } from "./logFollow";
import { formOf, formChanged, specOf, type PipelineForm } from "./pipelineForm";
import { buildRunning, findAction, interestingBuild } from "./pipelineRuns";
import type { PlanView } from "./service.svelte";
import { isStalePlan } from "./service.svelte";
import { fieldErrors, type FieldErrors } from "./serviceForm";
import { writeKind } from "./buildspecView";

export interface SetupState {
  /** The form is shown: the spec has no pipeline yet, or the person chose Edit settings. */
  editing: boolean;
  form: PipelineForm | null;
  saving: boolean;
  saved: boolean;
  error: ErrorBody | null;
  /** The backend's spec_invalid problems, by field. */
  fields: FieldErrors;
}

export interface BuildspecState {
  info: BuildspecInfo | null;
  loading: boolean;
  error: ErrorBody | null;
  writing: boolean;
  /** The person asked to replace a different buildspec.yml: the question is on screen. */
  asking: boolean;
  written: boolean;
  writeError: ErrorBody | null;
}

export interface PipelinePlanState {
  result: PipelinePlan | null;
  planning: boolean;
  error: ErrorBody | null;
  replanned: ErrorBody | null;
}

export interface PipelineApplyState {
  operation: string | null;
  running: boolean;
  cancelling: boolean;
  startedAt: number | null;
  endedAt: number | null;
  plan: PipelinePlan | null;
  progress: StepProgress;
  outcome: PipelineOutcome | null;
  error: ErrorBody | null;
}

export interface PipelineDestroyState {
  plan: Plan | null;
  planning: boolean;
  planError: ErrorBody | null;
  operation: string | null;
  running: boolean;
  cancelling: boolean;
  startedAt: number | null;
  endedAt: number | null;
  progress: StepProgress;
  outcome: PipelineDestroyOutcome | null;
  error: ErrorBody | null;
}

export interface RunsState {
  list: PipelineRun[];
  loading: boolean;
  /** Whether the pipeline exists, as the last look saw it (null before the first look). */
  exists: boolean | null;
  error: ErrorBody | null;
  loadedAt: number | null;
  /** A run just started that the list does not show yet, and how many looks missed it. */
  awaiting: string | null;
  awaitTries: number;
  starting: boolean;
  startError: ErrorBody | null;
}

export interface RunViewState {
  /** The run chosen in the list. */
  id: string | null;
  view: RunView | null;
  loading: boolean;
  error: ErrorBody | null;
  /** Stop or retry under way. */
  acting: "stop" | "abandon" | "retry" | null;
  actionError: ErrorBody | null;
  /** What the last stop or retry did, for a quiet confirmation. */
  actionDone: "stop" | "abandon" | "retry" | null;
  /** Open the interesting build's log at the next look (a retry started a new build). */
  reopenLog: boolean;
}

export interface LogState {
  /** stage/action of the build whose log is open. */
  key: string | null;
  group: string | null;
  stream: string | null;
  follow: LogFollow;
  /** Reads so far (the poll follows it: a read that brought nothing still counts). */
  reads: number;
  loading: boolean;
  error: ErrorBody | null;
}

export interface PipelineSession {
  path: string;
  spec: ProjectSpec | null;
  specError: ErrorBody | null;
  setup: SetupState;
  buildspec: BuildspecState;
  view: PlanView;
  plan: PipelinePlanState;
  apply: PipelineApplyState;
  destroy: PipelineDestroyState;
  runs: RunsState;
  run: RunViewState;
  log: LogState;
}

function freshApply(): PipelineApplyState {
  return { operation: null, running: false, cancelling: false, startedAt: null, endedAt: null, plan: null, progress: stepProgress(null), outcome: null, error: null };
}

function freshDestroy(): PipelineDestroyState {
  return {
    plan: null,
    planning: false,
    planError: null,
    operation: null,
    running: false,
    cancelling: false,
    startedAt: null,
    endedAt: null,
    progress: stepProgress(null),
    outcome: null,
    error: null,
  };
}

function freshRun(id: string | null = null): RunViewState {
  return { id, view: null, loading: false, error: null, acting: null, actionError: null, actionDone: null, reopenLog: true };
}

function freshLog(): LogState {
  return { key: null, group: null, stream: null, follow: emptyLog(), reads: 0, loading: false, error: null };
}

const sessions: Record<string, PipelineSession> = $state({});

/** The session of a project, created on first use (call outside templates and $derived). */
export function pipelineSessionFor(path: string): PipelineSession {
  sessions[path] ??= {
    path,
    spec: null,
    specError: null,
    setup: { editing: false, form: null, saving: false, saved: false, error: null, fields: {} },
    buildspec: { info: null, loading: false, error: null, writing: false, asking: false, written: false, writeError: null },
    view: "list",
    plan: { result: null, planning: false, error: null, replanned: null },
    apply: freshApply(),
    destroy: freshDestroy(),
    runs: { list: [], loading: false, exists: null, error: null, loadedAt: null, awaiting: null, awaitTries: 0, starting: false, startError: null },
    run: freshRun(),
    log: freshLog(),
  };
  return sessions[path]!;
}

/** Whether the form holds edits slipway.toml does not have yet. */
export function setupDirty(s: PipelineSession): boolean {
  return !!s.setup.form && !!s.spec && formChanged(s.spec.pipeline, s.setup.form);
}

/** Reads slipway.toml; without a pipeline the setup form opens. Then the buildspec and runs. */
export async function loadPipelineSpec(s: PipelineSession): Promise<void> {
  try {
    const spec = await backend.loadSpec(s.path);
    const untouched = !s.setup.form || !setupDirty(s);
    s.spec = spec;
    s.specError = null;
    if (untouched) s.setup.form = formOf(spec.pipeline, spec.app.name);
    if (!spec.pipeline) s.setup.editing = true;
  } catch (e) {
    s.spec = null;
    s.specError = backend.toErrorBody(e);
    return;
  }
  if (s.spec.pipeline) {
    void loadBuildspec(s);
    if (!s.apply.running && !s.destroy.running) void loadRuns(s);
  }
}

/** Opens the setup form on what slipway.toml says. */
export function editSetup(s: PipelineSession): void {
  if (!s.spec) return;
  s.setup.form = formOf(s.spec.pipeline, s.spec.app.name);
  s.setup.editing = true;
  s.setup.saved = false;
  s.setup.error = null;
  s.setup.fields = {};
}

/** Closes the form without saving (only when a pipeline is saved: otherwise there is nothing else to show). */
export function cancelSetup(s: PipelineSession): void {
  if (!s.spec?.pipeline) return;
  s.setup.form = formOf(s.spec.pipeline, s.spec.app.name);
  s.setup.editing = false;
  s.setup.error = null;
  s.setup.fields = {};
}

/** Saves the form as [pipeline] in slipway.toml; spec_invalid is spread over the fields it names. */
export async function saveSetup(s: PipelineSession): Promise<boolean> {
  const st = s.setup;
  if (!s.spec || !st.form || st.saving) return false;
  st.saving = true;
  st.saved = false;
  try {
    const saved = await backend.saveSpec(s.path, { ...s.spec, pipeline: specOf(st.form) });
    s.spec = saved;
    st.form = formOf(saved.pipeline, saved.app.name);
    st.error = null;
    st.fields = {};
    st.saved = true;
    st.editing = false;
    // A plan made from the old settings is not this pipeline's any more.
    s.plan.result = null;
    s.plan.error = null;
    void loadBuildspec(s);
    if (s.runs.exists === null) void loadRuns(s);
    return true;
  } catch (e) {
    st.error = backend.toErrorBody(e);
    st.fields = fieldErrors(st.error);
    return false;
  } finally {
    st.saving = false;
  }
}

/** The generated buildspec and the project's own, checked. */
export async function loadBuildspec(s: PipelineSession): Promise<void> {
  const b = s.buildspec;
  b.loading = true;
  try {
    b.info = await backend.pipelineBuildspec(s.path);
    b.error = null;
  } catch (e) {
    b.error = backend.toErrorBody(e);
  } finally {
    b.loading = false;
  }
}

/**
 * Writes the generated buildspec.yml. A different file is replaced only after the person said
 * so (`confirmed`), and only if it is still the file that was checked (expected = existing).
 */
export async function writeBuildspec(s: PipelineSession, confirmed = false): Promise<void> {
  const b = s.buildspec;
  const info = b.info;
  if (!info || b.writing) return;
  const kind = writeKind(info);
  if (kind === "same") return;
  if (kind === "replace" && !confirmed) {
    b.asking = true;
    return;
  }
  b.asking = false;
  b.writing = true;
  b.writeError = null;
  try {
    await backend.saveProjectFile(s.path, "buildspec.yml", info.generated, info.existing);
    b.written = true;
    await loadBuildspec(s);
  } catch (e) {
    b.writeError = backend.toErrorBody(e);
    // Show what is on disk now, so the person decides again on the real file.
    if (b.writeError.code === "would_overwrite") await loadBuildspec(s);
  } finally {
    b.writing = false;
  }
}

/** Plans the pipeline against what exists (nothing is created); a finished apply makes way. */
export async function makePipelinePlan(s: PipelineSession): Promise<void> {
  if (s.plan.planning || s.apply.running) return;
  s.apply = freshApply();
  s.plan.planning = true;
  s.plan.error = null;
  s.plan.replanned = null;
  try {
    s.plan.result = await backend.planPipeline(s.path);
  } catch (e) {
    s.plan.result = null;
    s.plan.error = backend.toErrorBody(e);
  } finally {
    s.plan.planning = false;
  }
}

/** Applies the shown plan, each step's news streamed into `s.apply.progress`. */
export async function startPipelineApply(s: PipelineSession): Promise<void> {
  const planned = s.plan.result;
  if (!planned || s.apply.running) return;
  const operation = operationId();
  s.apply = { ...freshApply(), operation, running: true, startedAt: Date.now(), plan: planned, progress: stepProgress(planned.plan) };
  s.plan.replanned = null;
  const progress = s.apply.progress;
  const channel = new Channel<ApplyEvent>();
  channel.onmessage = (e) => {
    // A newer apply replaces this one's state; late events of this one go nowhere.
    if (s.apply.operation === operation) applyStepEvent(progress, e, Date.now());
  };
  try {
    const outcome = await backend.applyPipeline(s.path, planned.plan, operation, channel);
    if (s.apply.operation !== operation) return;
    s.apply.outcome = outcome;
    if (outcome.report.cancelled) settleSteps(s.apply.progress, "the apply was cancelled");
    if (outcome.started_run) s.runs.awaiting = outcome.started_run;
  } catch (e) {
    if (s.apply.operation !== operation) return;
    const error = backend.toErrorBody(e);
    if (isStalePlan(error)) {
      // Nothing was applied: forget this apply, show the new plan and say why.
      s.apply = freshApply();
      s.plan.result = null;
      void makePipelinePlan(s).then(() => {
        s.plan.replanned = error;
      });
      return;
    }
    s.apply.error = error;
    settleSteps(s.apply.progress, "the apply did not finish");
  } finally {
    if (s.apply.operation === operation) {
      s.apply.running = false;
      s.apply.cancelling = false;
      s.apply.endedAt = Date.now();
    }
  }
  if (s.apply.operation === operation) void loadRuns(s);
}

/** Whether the last apply finished with every step done. */
export function applySucceeded(s: PipelineSession): boolean {
  const o = s.apply.outcome;
  return !s.apply.running && !!o && !o.report.failed && !o.report.cancelled && !s.apply.error;
}

async function cancel(op: string | null, running: boolean, st: { cancelling: boolean; error: ErrorBody | null }): Promise<void> {
  if (!running || !op || st.cancelling) return;
  st.cancelling = true;
  try {
    await backend.cancelOperation(op);
  } catch (e) {
    st.cancelling = false;
    st.error = backend.toErrorBody(e);
  }
}

export function cancelPipelineApply(s: PipelineSession): Promise<void> {
  return cancel(s.apply.operation, s.apply.running, s.apply);
}

/** Looks for a just-started run this many times before giving up on seeing it listed. */
const AWAIT_TRIES = 40;

/** The backend's answer when the project has no pipeline on AWS (runs::not_found). */
export function isNoPipeline(e: ErrorBody): boolean {
  return e.code === "invalid_input" && /^There is no pipeline /.test(e.message);
}

/** Looks at the latest runs; a run being awaited stops being awaited once listed. */
export async function loadRuns(s: PipelineSession): Promise<void> {
  const r = s.runs;
  if (r.loading) return;
  r.loading = true;
  try {
    r.list = await backend.pipelineRuns(s.path);
    r.exists = true;
    r.error = null;
    const listed = s.run.id ? r.list.find((x) => x.id === s.run.id) : undefined;
    if (r.awaiting && r.list.some((x) => x.id === r.awaiting)) {
      // The new run is there: show it.
      selectRun(s, r.awaiting);
      r.awaiting = null;
      r.awaitTries = 0;
    } else if (r.awaiting && ++r.awaitTries > AWAIT_TRIES) {
      // ListPipelineExecutions never showed it: stop looking so often.
      r.awaiting = null;
      r.awaitTries = 0;
    } else if ((!s.run.id || !listed) && r.list[0]) {
      selectRun(s, r.list[0].id);
    } else if (listed && s.run.view && listed.status !== s.run.view.run.status) {
      // The list saw the shown run change (the view polls by itself only while it runs).
      void loadRunView(s);
    }
  } catch (e) {
    const error = backend.toErrorBody(e);
    if (isNoPipeline(error)) {
      r.exists = false;
      r.list = [];
      r.error = null;
      r.awaiting = null;
      s.run = freshRun();
      s.log = freshLog();
    } else r.error = error;
  } finally {
    r.loading = false;
    r.loadedAt = Date.now();
  }
}

/** Starts a run; the list looks again until it shows it. */
export async function startRun(s: PipelineSession): Promise<void> {
  const r = s.runs;
  if (r.starting) return;
  r.starting = true;
  r.startError = null;
  try {
    r.awaiting = await backend.startPipelineRun(s.path);
    await loadRuns(s);
  } catch (e) {
    r.startError = backend.toErrorBody(e);
  } finally {
    r.starting = false;
  }
}

/** Shows one run (and forgets the log of another). */
export function selectRun(s: PipelineSession, id: string): void {
  if (s.run.id !== id) {
    s.run = freshRun(id);
    s.log = freshLog();
  }
  void loadRunView(s);
}

/** Draws the chosen run; the first time, the failed (or running) build's log opens. */
export async function loadRunView(s: PipelineSession): Promise<void> {
  const id = s.run.id;
  if (!id || s.run.loading) return;
  s.run.loading = true;
  try {
    const view = await backend.pipelineRun(s.path, id);
    if (s.run.id !== id) return;
    const wasLive = logLive(s);
    s.run.view = view;
    // The build just ended: read its last lines once.
    if (wasLive && !logLive(s)) void readLog(s);
    s.run.error = null;
    if (s.run.reopenLog && !s.log.key) {
      // Until a build fails or runs there is no log worth opening: look again next time.
      const key = interestingBuild(view);
      if (key) {
        openLog(s, key);
        s.run.reopenLog = false;
      }
    } else if (s.log.key && !s.log.loading) {
      const a = findAction(view, s.log.key);
      // The build of a retried stage writes to a new stream: start that log afresh.
      if (a?.build?.log_stream && a.build.log_stream !== s.log.stream) openLog(s, s.log.key);
    }
  } catch (e) {
    if (s.run.id === id) s.run.error = backend.toErrorBody(e);
  } finally {
    if (s.run.id === id) s.run.loading = false;
  }
}

/** Opens the log of a build action of the shown run (or closes it when it is the open one). */
export function openLog(s: PipelineSession, key: string, toggle = false): void {
  if (toggle && s.log.key === key) {
    s.log = freshLog();
    return;
  }
  const a = findAction(s.run.view, key);
  const b = a?.build;
  if (!b?.log_group || !b.log_stream) return;
  s.log = { ...freshLog(), key, group: b.log_group, stream: b.log_stream };
  void readLog(s);
}

/** Reads the next page of the open log. */
export async function readLog(s: PipelineSession): Promise<void> {
  const l = s.log;
  if (!l.group || !l.stream || l.loading) return;
  const { key, stream } = l;
  l.loading = true;
  try {
    const page = await backend.buildLog(l.group, l.stream, l.follow.token);
    if (s.log.key !== key || s.log.stream !== stream) return;
    mergePage(s.log.follow, page);
    s.log.error = null;
  } catch (e) {
    if (s.log.key === key) s.log.error = backend.toErrorBody(e);
  } finally {
    if (s.log.key === key && s.log.stream === stream) {
      s.log.loading = false;
      s.log.reads += 1;
    }
  }
}

/** Whether the open log can still grow (its build runs). */
export function logLive(s: PipelineSession): boolean {
  return buildRunning(findAction(s.run.view, s.log.key)?.build ?? null);
}

/** Stops the shown run: in-progress actions finish, or with `abandon` are left at once. */
export async function stopRun(s: PipelineSession, abandon: boolean): Promise<void> {
  const id = s.run.id;
  if (!id || s.run.acting) return;
  s.run.acting = abandon ? "abandon" : "stop";
  s.run.actionError = null;
  s.run.actionDone = null;
  try {
    await backend.stopPipelineRun(s.path, id, abandon);
    s.run.actionDone = abandon ? "abandon" : "stop";
  } catch (e) {
    s.run.actionError = backend.toErrorBody(e);
  } finally {
    s.run.acting = null;
  }
  void loadRunView(s);
  void loadRuns(s);
}

/** Re-runs the failed stage of the shown run. */
export async function retryStage(s: PipelineSession): Promise<void> {
  const id = s.run.id;
  const stage = s.run.view?.retryable_stage;
  if (!id || !stage || s.run.acting) return;
  s.run.acting = "retry";
  s.run.actionError = null;
  s.run.actionDone = null;
  try {
    const run = await backend.retryPipelineStage(s.path, id, stage);
    s.run.actionDone = "retry";
    // The retried build writes a new log: let the view open it again.
    s.log = freshLog();
    s.run.reopenLog = true;
    if (run !== id) s.runs.awaiting = run;
  } catch (e) {
    s.run.actionError = backend.toErrorBody(e);
  } finally {
    s.run.acting = null;
  }
  void loadRunView(s);
  void loadRuns(s);
}

/** Finds what destroying the pipeline would delete. */
export async function planPipelineTeardown(s: PipelineSession): Promise<void> {
  const d = s.destroy;
  if (d.planning || d.running) return;
  d.planning = true;
  d.planError = null;
  try {
    const plan = await backend.planPipelineDestroy(s.path);
    d.plan = plan;
    d.progress = stepProgress(plan);
    d.outcome = null;
    d.error = null;
  } catch (e) {
    d.plan = null;
    d.planError = backend.toErrorBody(e);
  } finally {
    d.planning = false;
  }
}

/** Deletes the pipeline's resources step by step, then says what is left. */
export async function startPipelineDestroy(s: PipelineSession): Promise<void> {
  const d = s.destroy;
  if (!d.plan || d.running) return;
  const operation = operationId();
  Object.assign(d, { operation, running: true, cancelling: false, startedAt: Date.now(), endedAt: null, outcome: null, error: null, progress: stepProgress(d.plan) });
  const progress = d.progress;
  const channel = new Channel<ApplyEvent>();
  channel.onmessage = (e) => {
    if (s.destroy.operation === operation) applyStepEvent(progress, e, Date.now());
  };
  try {
    const outcome = await backend.destroyPipeline(s.path, operation, channel);
    if (s.destroy.operation !== operation) return;
    s.destroy.outcome = outcome;
    if (outcome.report.cancelled) settleSteps(s.destroy.progress, "the apply was cancelled");
  } catch (e) {
    if (s.destroy.operation !== operation) return;
    s.destroy.error = backend.toErrorBody(e);
    settleSteps(s.destroy.progress, "the apply did not finish");
  } finally {
    if (s.destroy.operation === operation) {
      s.destroy.running = false;
      s.destroy.cancelling = false;
      s.destroy.endedAt = Date.now();
    }
  }
  if (s.destroy.operation !== operation) return;
  // Nothing shown before is true any more.
  s.plan.result = null;
  s.apply = freshApply();
  s.run = freshRun();
  s.log = freshLog();
  void loadRuns(s);
}

export function cancelPipelineDestroy(s: PipelineSession): Promise<void> {
  return cancel(s.destroy.operation, s.destroy.running, s.destroy);
}

/** Back to the start of the danger zone. */
export function resetPipelineTeardown(s: PipelineSession): void {
  if (!s.destroy.running) s.destroy = freshDestroy();
}

