// Step 2's state per project, kept for the session: a build or a local run goes on (and stays
// visible) while the person looks at another screen.
import * as backend from "./backend";
import { Channel, type BuildEvent, type BuiltImage, type ContextSummary, type ErrorBody, type ImageReport, type LocalContainer, type LogLine, type ProjectSpec, type RunEvent, type SmokeTest } from "./backend";
import { applyBuildEvent, cancelRows, describeRows, emptyProgress, type BuildProgress } from "./buildRows";
import { dockerfilePath } from "./initForm";

/** How many lines of the running app's log are kept. */
export const MAX_RUN_LOGS = 1000;

export interface BuildState {
  operation: string | null;
  running: boolean;
  cancelling: boolean;
  startedAt: number | null;
  endedAt: number | null;
  progress: BuildProgress;
  result: BuiltImage | null;
  error: ErrorBody | null;
  cancelled: boolean;
}

export interface Probe {
  attempt: number;
  status: number | null;
  error: string | null;
}

export interface RunState {
  operation: string | null;
  /** From "Run locally" until the container stops (or never started). */
  active: boolean;
  stopping: boolean;
  probes: Probe[];
  container: LocalContainer | null;
  smoke: SmokeTest | null;
  logs: LogLine[];
  droppedLogs: number;
  exitCode: number | null;
  stopped: boolean;
  error: ErrorBody | null;
}

export interface BuildSession {
  path: string;
  spec: ProjectSpec | null;
  specError: ErrorBody | null;
  context: ContextSummary | null;
  contextError: ErrorBody | null;
  contextLoading: boolean;
  platform: string;
  noCache: boolean;
  build: BuildState;
  layers: ImageReport | null;
  layersError: ErrorBody | null;
  run: RunState;
}

function freshBuild(): BuildState {
  return { operation: null, running: false, cancelling: false, startedAt: null, endedAt: null, progress: emptyProgress(), result: null, error: null, cancelled: false };
}

function freshRun(): RunState {
  return { operation: null, active: false, stopping: false, probes: [], container: null, smoke: null, logs: [], droppedLogs: 0, exitCode: null, stopped: false, error: null };
}

const sessions: Record<string, BuildSession> = $state({});

/** A new operation id, for cancelling (randomUUID needs a secure context; keep a fallback). */
export function operationId(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The session of a project, created on first use (call outside templates and $derived). */
export function sessionFor(path: string): BuildSession {
  sessions[path] ??= {
    path,
    spec: null,
    specError: null,
    context: null,
    contextError: null,
    contextLoading: false,
    platform: "linux/amd64",
    noCache: false,
    build: freshBuild(),
    layers: null,
    layersError: null,
    run: freshRun(),
  };
  return sessions[path]!;
}

/** Reads slipway.toml and sizes up the build context. */
export async function loadSession(s: BuildSession): Promise<void> {
  s.contextLoading = true;
  try {
    const spec = await backend.loadSpec(s.path);
    if (!s.spec) s.platform = spec.image.platform;
    s.spec = spec;
    s.specError = null;
  } catch (e) {
    s.spec = null;
    s.specError = backend.toErrorBody(e);
  }
  if (s.spec) {
    try {
      s.context = await backend.contextSummary(s.path);
      s.contextError = null;
    } catch (e) {
      s.contextError = backend.toErrorBody(e);
    }
  }
  s.contextLoading = false;
}

/** Builds the image, streaming each step into `s.build.progress`. */
export async function startBuild(s: BuildSession): Promise<void> {
  if (s.build.running) return;
  const operation = operationId();
  s.build = { ...freshBuild(), operation, running: true, startedAt: Date.now() };
  s.layers = null;
  s.layersError = null;
  const build = s.build;
  // The plan names only keywords; the Dockerfile gives rows that have not run yet their text.
  let dockerfile: string | null = null;
  void backend
    .readProjectFile(s.path, dockerfilePath(s.spec))
    .then((text) => {
      dockerfile = text;
      if (text && s.build.operation === operation) describeRows(build.progress, text);
    })
    .catch(() => undefined);
  const channel = new Channel<BuildEvent>();
  channel.onmessage = (e) => {
    // A newer build replaces this one's state; late events of this one go nowhere.
    if (s.build.operation !== operation) return;
    applyBuildEvent(build.progress, e);
    if (e.kind === "plan" && dockerfile) describeRows(build.progress, dockerfile);
  };
  try {
    const result = await backend.buildImage(s.path, { platform: s.platform, no_cache: s.noCache, tag: null }, operation, channel);
    if (s.build.operation !== operation) return;
    s.build.result = result;
    void loadLayers(s, result.id);
  } catch (e) {
    if (s.build.operation !== operation) return;
    const error = backend.toErrorBody(e);
    if (error.code === "cancelled") {
      s.build.cancelled = true;
      cancelRows(s.build.progress);
    } else s.build.error = error;
  } finally {
    if (s.build.operation === operation) {
      s.build.running = false;
      s.build.cancelling = false;
      s.build.endedAt = Date.now();
    }
  }
}

/** Asks the backend to stop the running build. */
export async function cancelBuild(s: BuildSession): Promise<void> {
  const op = s.build.operation;
  if (!s.build.running || !op || s.build.cancelling) return;
  s.build.cancelling = true;
  try {
    await backend.cancelOperation(op);
  } catch (e) {
    s.build.cancelling = false;
    s.build.error = backend.toErrorBody(e);
  }
}

/** The image's layers, for the chart. */
export async function loadLayers(s: BuildSession, image: string | null): Promise<void> {
  try {
    s.layers = await backend.imageLayers(s.path, image);
    s.layersError = null;
  } catch (e) {
    s.layersError = backend.toErrorBody(e);
  }
}

function onRunEvent(run: RunState, e: RunEvent): void {
  switch (e.kind) {
    case "probe":
      run.probes.push({ attempt: e.attempt, status: e.status, error: e.error });
      if (run.probes.length > 50) run.probes.splice(0, run.probes.length - 50);
      break;
    case "started":
      run.container = e.container;
      break;
    case "smoke":
      run.smoke = e.result;
      break;
    case "log":
      run.logs.push(e.line);
      if (run.logs.length > MAX_RUN_LOGS) {
        const drop = run.logs.length - MAX_RUN_LOGS;
        run.logs.splice(0, drop);
        run.droppedLogs += drop;
      }
      break;
    case "stopped":
      run.exitCode = e.code;
      run.stopped = true;
      run.active = false;
      run.stopping = false;
      break;
  }
}

/** Runs the image locally and smoke-tests its health path; logs keep streaming after. */
export async function startRun(s: BuildSession): Promise<void> {
  if (s.run.active) return;
  const operation = operationId();
  s.run = { ...freshRun(), operation, active: true };
  const run = s.run;
  const channel = new Channel<RunEvent>();
  channel.onmessage = (e) => {
    if (s.run.operation === operation) onRunEvent(run, e);
  };
  const image = s.build.result?.tags[0] ?? null;
  try {
    const container = await backend.runLocal(s.path, image, null, operation, channel);
    if (s.run.operation === operation) s.run.container ??= container;
  } catch (e) {
    if (s.run.operation !== operation) return;
    const error = backend.toErrorBody(e);
    s.run.active = false;
    s.run.stopping = false;
    if (error.code === "cancelled") s.run.stopped = true;
    else s.run.error = error;
  }
}

/** Stops the local run: cancels the smoke test while it waits, else stops the container. */
export async function stopRun(s: BuildSession): Promise<void> {
  if (!s.run.active || s.run.stopping) return;
  s.run.stopping = true;
  try {
    if (!s.run.container && s.run.operation) await backend.cancelOperation(s.run.operation);
    else {
      const stopped = await backend.stopLocal(s.path);
      // Nothing was running any more: the stream will not say so, so say it here.
      if (!stopped) {
        s.run.active = false;
        s.run.stopped = true;
        s.run.stopping = false;
      }
    }
  } catch (e) {
    s.run.stopping = false;
    s.run.error = backend.toErrorBody(e);
  }
}
