// Step 4's state per project, kept for the session: an apply or a destroy goes on (and stays
// visible) while the person looks at another screen.
import * as backend from "./backend";
import { Channel, type ApplyEvent, type DeployEvent, type DeployOutcome, type DestroyOutcome, type DestroyPlan, type ErrorBody, type ProjectSpec, type ServiceHealth, type ServicePlan } from "./backend";
import { operationId } from "./buildRun.svelte";
import { applyDeployEvent, applyStepEvent, deployProgress, settleSteps, stepProgress, type DeployProgress, type StepProgress } from "./deployProgress";
import { cloneSpec, envRecord, envRows, fieldErrors, parseSubnets, specChanged, type EnvRow, type FieldErrors } from "./serviceForm";

export type PlanView = "list" | "diagram";

export interface SettingsState {
  /** The form's copy of the spec; saved with Save. */
  draft: ProjectSpec | null;
  envRows: EnvRow[];
  /** Subnets as typed (one text field). */
  subnets: string;
  saving: boolean;
  /** Set after a save went through, until the next edit. */
  saved: boolean;
  error: ErrorBody | null;
  /** The backend's spec_invalid problems, by field. */
  fields: FieldErrors;
}

export interface PlanState {
  result: ServicePlan | null;
  planning: boolean;
  error: ErrorBody | null;
  /** Why the plan was made again instead of applied (what exists changed meanwhile). */
  replanned: ErrorBody | null;
}

export interface ApplyState {
  operation: string | null;
  running: boolean;
  cancelling: boolean;
  startedAt: number | null;
  endedAt: number | null;
  /** The plan being applied (the shown plan may be newer once it ends). */
  plan: ServicePlan | null;
  progress: DeployProgress;
  outcome: DeployOutcome | null;
  error: ErrorBody | null;
}

export interface HealthState {
  health: ServiceHealth | null;
  loading: boolean;
  error: ErrorBody | null;
}

export interface DestroyState {
  plan: DestroyPlan | null;
  planning: boolean;
  planError: ErrorBody | null;
  keepLogs: boolean;
  keepRepository: boolean;
  /** The confirmation as typed: it must be the app's name. */
  typed: string;
  operation: string | null;
  running: boolean;
  cancelling: boolean;
  startedAt: number | null;
  endedAt: number | null;
  progress: StepProgress;
  outcome: DestroyOutcome | null;
  error: ErrorBody | null;
}

export interface ServiceSession {
  path: string;
  spec: ProjectSpec | null;
  specError: ErrorBody | null;
  settingsOpen: boolean;
  settings: SettingsState;
  view: PlanView;
  plan: PlanState;
  apply: ApplyState;
  health: HealthState;
  destroy: DestroyState;
  /** Where the app answered after the last apply (the status section keeps showing it). */
  url: string | null;
}

function freshApply(): ApplyState {
  return { operation: null, running: false, cancelling: false, startedAt: null, endedAt: null, plan: null, progress: deployProgress(null), outcome: null, error: null };
}

function freshDestroy(keepLogs = false, keepRepository = true): DestroyState {
  return {
    plan: null,
    planning: false,
    planError: null,
    keepLogs,
    keepRepository,
    typed: "",
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

const sessions: Record<string, ServiceSession> = $state({});

/** The session of a project, created on first use (call outside templates and $derived). */
export function serviceSessionFor(path: string): ServiceSession {
  sessions[path] ??= {
    path,
    spec: null,
    specError: null,
    settingsOpen: false,
    settings: { draft: null, envRows: [], subnets: "", saving: false, saved: false, error: null, fields: {} },
    view: "list",
    plan: { result: null, planning: false, error: null, replanned: null },
    apply: freshApply(),
    health: { health: null, loading: false, error: null },
    destroy: freshDestroy(),
    url: null,
  };
  return sessions[path]!;
}

function resetDraft(s: ServiceSession, spec: ProjectSpec): void {
  s.settings.draft = cloneSpec(spec);
  s.settings.envRows = envRows(spec.service.environment);
  s.settings.subnets = spec.network.subnets.join(", ");
}

/** Whether the form holds edits that are not in slipway.toml yet. */
export function settingsDirty(s: ServiceSession): boolean {
  const st = s.settings;
  return specChanged(s.spec, st.draft, st.envRows) || (!!st.draft && st.subnets !== (s.spec?.network.subnets.join(", ") ?? ""));
}

/** Reads slipway.toml; the form starts from it unless it holds unsaved edits. */
export async function loadServiceSpec(s: ServiceSession): Promise<void> {
  try {
    const spec = await backend.loadSpec(s.path);
    const untouched = !s.settings.draft || !settingsDirty(s);
    s.spec = spec;
    s.specError = null;
    if (untouched) resetDraft(s, spec);
  } catch (e) {
    s.spec = null;
    s.specError = backend.toErrorBody(e);
  }
}

/** Saves the form into slipway.toml; a spec_invalid answer is spread over the fields it names. */
export async function saveSettings(s: ServiceSession): Promise<boolean> {
  const st = s.settings;
  if (!st.draft || st.saving) return false;
  st.saving = true;
  st.saved = false;
  const next: ProjectSpec = {
    ...st.draft,
    service: { ...st.draft.service, environment: envRecord(st.envRows), certificate_arn: st.draft.service.certificate_arn?.trim() || null },
    network: { ...st.draft.network, vpc_id: st.draft.network.vpc_id?.trim() || null, subnets: parseSubnets(st.subnets) },
  };
  try {
    const saved = await backend.saveSpec(s.path, next);
    s.spec = saved;
    resetDraft(s, saved);
    st.error = null;
    st.fields = {};
    st.saved = true;
    // A plan shown was made from the old settings.
    s.plan.result = null;
    return true;
  } catch (e) {
    st.error = backend.toErrorBody(e);
    st.fields = fieldErrors(st.error);
    return false;
  } finally {
    st.saving = false;
  }
}

/** Puts the form back to what slipway.toml says. */
export function discardSettings(s: ServiceSession): void {
  if (s.spec) resetDraft(s, s.spec);
  s.settings.error = null;
  s.settings.fields = {};
  s.settings.saved = false;
}

/** Plans the service against what exists (nothing is created); a finished apply makes way. */
export async function makePlan(s: ServiceSession): Promise<void> {
  if (s.plan.planning || s.apply.running) return;
  s.apply = freshApply();
  s.plan.planning = true;
  s.plan.error = null;
  s.plan.replanned = null;
  try {
    s.plan.result = await backend.planService(s.path, null);
  } catch (e) {
    s.plan.result = null;
    s.plan.error = backend.toErrorBody(e);
  } finally {
    s.plan.planning = false;
  }
}

/** The backend's answer when the plan no longer matches what exists (apply_service). */
export function isStalePlan(e: ErrorBody): boolean {
  return e.code === "invalid_input" && /changed since the plan/i.test(e.message);
}

/** Applies the shown plan, streaming each step and then the rollout into `s.apply.progress`. */
export async function startApply(s: ServiceSession): Promise<void> {
  const planned = s.plan.result;
  if (!planned || s.apply.running) return;
  const operation = operationId();
  s.apply = { ...freshApply(), operation, running: true, startedAt: Date.now(), plan: planned, progress: deployProgress(planned.plan) };
  s.plan.replanned = null;
  const progress = s.apply.progress;
  const channel = new Channel<DeployEvent>();
  channel.onmessage = (e) => {
    // A newer apply replaces this one's state; late events of this one go nowhere.
    if (s.apply.operation === operation) applyDeployEvent(progress, e, Date.now());
  };
  try {
    const outcome = await backend.applyService(s.path, planned.image, planned.plan, operation, channel);
    if (s.apply.operation !== operation) return;
    s.apply.outcome = outcome;
    if (outcome.url) s.url = outcome.url;
    if (outcome.report.cancelled) settleSteps(s.apply.progress, "the apply was cancelled");
  } catch (e) {
    if (s.apply.operation !== operation) return;
    const error = backend.toErrorBody(e);
    if (isStalePlan(error)) {
      // Nothing was applied: forget this apply, show the new plan and say why.
      s.apply = freshApply();
      s.plan.result = null;
      void makePlan(s).then(() => (s.plan.replanned = error));
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
  // What exists changed: the status is news (the applied plan stays on screen with its states).
  if (s.apply.operation === operation) void loadHealth(s);
}

/** Asks the backend to stop the apply (running steps finish, the rest are skipped). */
export async function cancelApply(s: ServiceSession): Promise<void> {
  const op = s.apply.operation;
  if (!s.apply.running || !op || s.apply.cancelling) return;
  s.apply.cancelling = true;
  try {
    await backend.cancelOperation(op);
  } catch (e) {
    s.apply.cancelling = false;
    s.apply.error = backend.toErrorBody(e);
  }
}

/** Looks at the running service (deployments, tasks, targets, events). */
export async function loadHealth(s: ServiceSession): Promise<void> {
  s.health.loading = true;
  try {
    s.health.health = await backend.serviceHealth(s.path);
    s.health.error = null;
  } catch (e) {
    s.health.error = backend.toErrorBody(e);
  } finally {
    s.health.loading = false;
  }
}

/** Whether a service is deployed, as the last look saw it. */
export function isDeployed(h: ServiceHealth | null): boolean {
  return !!h && h.status !== "MISSING" && h.status !== "INACTIVE";
}

/** Finds what destroy would delete (dependents first). */
export async function planTeardown(s: ServiceSession): Promise<void> {
  const d = s.destroy;
  if (d.planning || d.running) return;
  d.planning = true;
  d.planError = null;
  try {
    const plan = await backend.planDestroy(s.path, d.keepLogs);
    d.plan = plan;
    d.progress = stepProgress(plan.plan);
    d.outcome = null;
    d.error = null;
  } catch (e) {
    d.plan = null;
    d.planError = backend.toErrorBody(e);
  } finally {
    d.planning = false;
  }
}

/** Deletes everything the project owns, step by step, then shows what is left. */
export async function startDestroy(s: ServiceSession): Promise<void> {
  const d = s.destroy;
  if (!d.plan || d.running) return;
  const operation = operationId();
  d.operation = operation;
  d.running = true;
  d.cancelling = false;
  d.startedAt = Date.now();
  d.endedAt = null;
  d.outcome = null;
  d.error = null;
  d.progress = stepProgress(d.plan.plan);
  const progress = d.progress;
  const channel = new Channel<ApplyEvent>();
  channel.onmessage = (e) => {
    if (s.destroy.operation === operation) applyStepEvent(progress, e, Date.now());
  };
  try {
    const outcome = await backend.destroyService(s.path, d.keepLogs, d.keepRepository, operation, channel);
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
      s.destroy.typed = "";
    }
  }
  // Nothing shown before is true any more.
  if (s.destroy.operation !== operation) return;
  s.plan.result = null;
  s.apply = freshApply();
  s.url = null;
  void loadHealth(s);
}

export async function cancelDestroy(s: ServiceSession): Promise<void> {
  const op = s.destroy.operation;
  if (!s.destroy.running || !op || s.destroy.cancelling) return;
  s.destroy.cancelling = true;
  try {
    await backend.cancelOperation(op);
  } catch (e) {
    s.destroy.cancelling = false;
    s.destroy.error = backend.toErrorBody(e);
  }
}

/** Back to the start of the danger zone (after a destroy, or to change the options). */
export function resetTeardown(s: ServiceSession): void {
  if (s.destroy.running) return;
  s.destroy = freshDestroy(s.destroy.keepLogs, s.destroy.keepRepository);
}
