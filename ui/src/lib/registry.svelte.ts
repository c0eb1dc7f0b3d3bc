// Step 3's state per project, kept for the session: a push goes on (and stays visible) while
// the person looks at another screen, and unsaved repository settings survive a visit elsewhere.
import * as backend from "./backend";
import { Channel, type EcrImage, type ErrorBody, type LocalBuild, type ProjectSpec, type PushOutcome, type PushProgress, type Repository, type ScanReport } from "./backend";
import { operationId } from "./buildRun.svelte";
import { applyPushProgress, emptyPush, stopLayers, type PushProgressState } from "./pushRows";
import { settingsDirty, settingsFields, settingsProblems, withSettings, type SettingsFields } from "./registrySettings";
import { scanState } from "./severity";

export interface PushRun {
  operation: string | null;
  /** The local build being pushed (`<name>:<tag>`). */
  image: string | null;
  running: boolean;
  cancelling: boolean;
  startedAt: number | null;
  endedAt: number | null;
  progress: PushProgressState;
  result: PushOutcome | null;
  error: ErrorBody | null;
  cancelled: boolean;
}

export interface RegistrySession {
  path: string;
  loaded: boolean;
  spec: ProjectSpec | null;
  specError: ErrorBody | null;
  /** The settings form; null until the spec is read. */
  fields: SettingsFields | null;
  saving: boolean;
  saveError: ErrorBody | null;
  savedAt: number | null;
  /** The project's repository in ECR; null when it does not exist (yet). */
  repository: Repository | null;
  repositoryChecked: boolean;
  repositoryError: ErrorBody | null;
  builds: LocalBuild[] | null;
  buildsError: ErrorBody | null;
  /** The local build to push (a reference); null: the newest. */
  chosen: string | null;
  push: PushRun;
  images: EcrImage[] | null;
  imagesError: ErrorBody | null;
  imagesLoading: boolean;
  /** The image whose scan findings are open (a digest). */
  selected: string | null;
  report: ScanReport | null;
  reportError: ErrorBody | null;
  reportLoading: boolean;
}

function freshPush(): PushRun {
  return { operation: null, image: null, running: false, cancelling: false, startedAt: null, endedAt: null, progress: emptyPush(), result: null, error: null, cancelled: false };
}

const sessions: Record<string, RegistrySession> = $state({});

/** The session of a project, created on first use (call outside templates and $derived). */
export function registryFor(path: string): RegistrySession {
  sessions[path] ??= {
    path,
    loaded: false,
    spec: null,
    specError: null,
    fields: null,
    saving: false,
    saveError: null,
    savedAt: null,
    repository: null,
    repositoryChecked: false,
    repositoryError: null,
    builds: null,
    buildsError: null,
    chosen: null,
    push: freshPush(),
    images: null,
    imagesError: null,
    imagesLoading: false,
    selected: null,
    report: null,
    reportError: null,
    reportLoading: false,
  };
  return sessions[path]!;
}

/** Whether the settings form holds changes that slipway.toml does not. */
export function isDirty(s: RegistrySession): boolean {
  return !!s.spec && !!s.fields && settingsDirty(s.spec, s.fields);
}

/** Reads slipway.toml, then the repository, the local builds and the images side by side. */
export async function loadRegistry(s: RegistrySession): Promise<void> {
  try {
    const spec = await backend.loadSpec(s.path);
    // Unsaved edits stay; otherwise the form follows the file (it may have changed elsewhere).
    if (!s.fields || !isDirty(s)) s.fields = settingsFields(spec.image);
    s.spec = spec;
    s.specError = null;
  } catch (e) {
    s.spec = null;
    s.specError = backend.toErrorBody(e);
  }
  s.loaded = true;
  if (!s.spec) return;
  await Promise.all([refreshRepository(s), refreshBuilds(s), refreshImages(s)]);
}

export async function refreshRepository(s: RegistrySession): Promise<void> {
  try {
    s.repository = await backend.ecrRepository(s.path);
    s.repositoryError = null;
  } catch (e) {
    s.repositoryError = backend.toErrorBody(e);
  }
  s.repositoryChecked = true;
}

/** The local builds, newest first; the choice is kept while that build still exists. */
export async function refreshBuilds(s: RegistrySession): Promise<void> {
  try {
    const builds = await backend.localBuilds(s.path);
    s.builds = builds;
    s.buildsError = null;
    if (!s.chosen || !builds.some((b) => b.reference === s.chosen)) s.chosen = builds[0]?.reference ?? null;
  } catch (e) {
    s.buildsError = backend.toErrorBody(e);
  }
}

/** The repository's images; an open scan report follows its image when the scan finishes. */
export async function refreshImages(s: RegistrySession): Promise<void> {
  s.imagesLoading = true;
  try {
    const before = s.images?.find((i) => i.digest === s.selected);
    const images = await backend.listImages(s.path);
    s.images = images;
    s.imagesError = null;
    const now = images.find((i) => i.digest === s.selected);
    if (s.selected && !now) {
      s.selected = null;
      s.report = null;
    } else if (now && before && before.scan_status !== now.scan_status) void loadReport(s, now.digest);
  } catch (e) {
    s.imagesError = backend.toErrorBody(e);
  } finally {
    s.imagesLoading = false;
  }
}

/** Whether an image's scan is still running (worth looking again soon). */
export function scansPending(s: RegistrySession): boolean {
  return (s.images ?? []).some((i) => scanState(i.scan_status) === "in_progress");
}

async function loadReport(s: RegistrySession, digest: string): Promise<void> {
  s.reportLoading = true;
  try {
    const report = await backend.scanReport(s.path, digest);
    if (s.selected !== digest) return;
    s.report = report;
    s.reportError = null;
  } catch (e) {
    if (s.selected === digest) s.reportError = backend.toErrorBody(e);
  } finally {
    if (s.selected === digest) s.reportLoading = false;
  }
}

/** Opens an image's scan findings (or closes them when it is open already). */
export function selectImage(s: RegistrySession, digest: string): void {
  if (s.selected === digest) {
    s.selected = null;
    s.report = null;
    s.reportError = null;
    return;
  }
  s.selected = digest;
  s.report = null;
  s.reportError = null;
  // An image pushed with scanning off has no report to ask for.
  const image = s.images?.find((i) => i.digest === digest);
  if (!image || scanState(image.scan_status) !== "none") void loadReport(s, digest);
}

/** Writes the form's settings to slipway.toml; the backend validates them. */
export async function saveSettings(s: RegistrySession): Promise<void> {
  if (!s.spec || !s.fields || s.saving || settingsProblems(s.fields).length) return;
  const before = s.spec.image.repository;
  s.saving = true;
  s.saveError = null;
  try {
    const saved = await backend.saveSpec(s.path, withSettings(s.spec, s.fields));
    s.spec = saved;
    s.fields = settingsFields(saved.image);
    s.savedAt = Date.now();
    // Another name is another repository.
    if (saved.image.repository !== before) {
      s.selected = null;
      s.report = null;
      await Promise.all([refreshRepository(s), refreshImages(s)]);
    }
  } catch (e) {
    s.saveError = backend.toErrorBody(e);
  } finally {
    s.saving = false;
  }
}

/** Puts the form back to what slipway.toml says. */
export function discardSettings(s: RegistrySession): void {
  if (s.spec) s.fields = settingsFields(s.spec.image);
  s.saveError = null;
}

/** Pushes the chosen build, streaming the repository, login, layers and verification into `s.push`. */
export async function startPush(s: RegistrySession): Promise<void> {
  if (s.push.running || !s.spec) return;
  const operation = operationId();
  const image = s.chosen;
  s.push = { ...freshPush(), operation, image, running: true, startedAt: Date.now() };
  const push = s.push;
  const channel = new Channel<PushProgress>();
  channel.onmessage = (e) => {
    // A newer push replaces this one's state; late events of this one go nowhere.
    if (s.push.operation === operation) applyPushProgress(push.progress, e);
  };
  try {
    const result = await backend.pushImage(s.path, image, operation, channel);
    if (s.push.operation !== operation) return;
    s.push.result = result;
    s.repository = result.repository;
    s.repositoryChecked = true;
    s.selected = null;
    await refreshImages(s);
    // Open the new image's scan: it runs now, and its findings show here when it finishes.
    if (s.selected === null) selectImage(s, result.digest);
  } catch (e) {
    if (s.push.operation !== operation) return;
    const error = backend.toErrorBody(e);
    if (error.code === "cancelled") s.push.cancelled = true;
    else s.push.error = error;
    stopLayers(s.push.progress);
    // The repository may exist now even though the push did not finish.
    const ensured = s.push.progress.repository;
    if (ensured) s.repository = ensured.repository;
  } finally {
    if (s.push.operation === operation) {
      s.push.running = false;
      s.push.cancelling = false;
      s.push.endedAt = Date.now();
    }
  }
}

/** Asks the backend to stop the running push. */
export async function cancelPush(s: RegistrySession): Promise<void> {
  const op = s.push.operation;
  if (!s.push.running || !op || s.push.cancelling) return;
  s.push.cancelling = true;
  try {
    await backend.cancelOperation(op);
  } catch (e) {
    s.push.cancelling = false;
    s.push.error = backend.toErrorBody(e);
  }
}
