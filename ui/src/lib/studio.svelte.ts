// Step 1's state per project, kept for the session: leaving the screen keeps the detection,
// the preview and unsaved edits, and another screen can ask the editor to show a line.
import * as backend from "./backend";
import type { Detection, ErrorBody, InitPlan, ProjectSpec } from "./backend";
import { dockerfilePath, eolOf, formProblems, initialFields, normalizeEol, toInitForm, withEol, type FormFields } from "./initForm";

export interface Studio {
  path: string;
  loaded: boolean;
  loading: boolean;
  detection: Detection | null;
  detectError: ErrorBody | null;
  spec: ProjectSpec | null;
  /** Why slipway.toml could not be read (a new project has none: generating creates it). */
  specError: ErrorBody | null;
  fields: FormFields;
  plan: InitPlan | null;
  planning: boolean;
  planError: ErrorBody | null;
  /** Files of the preview to write (new files start chosen). */
  include: Record<string, boolean>;
  /** Files whose replacement the person confirmed ("Replace my Dockerfile"). */
  replace: Record<string, boolean>;
  writing: boolean;
  writeError: ErrorBody | null;
  written: string[] | null;
  /** The Dockerfile's name inside the project. */
  file: string;
  /** The file as it was on disk when loaded (null: no file yet); saves expect it unchanged. */
  disk: string | null;
  eol: "\n" | "\r\n";
  /** What the editor holds ("\n" line breaks). */
  draft: string;
  /** Bumped when the draft is replaced from outside (reload, generate), so the editor resets. */
  revision: number;
  saving: boolean;
  saveError: ErrorBody | null;
  savedAt: number | null;
  /** A line another screen asked the editor to show. */
  jump: number | null;
}

const studios: Record<string, Studio> = $state({});

/** The studio of a project, created on first use (call outside templates and $derived). */
export function studioFor(path: string): Studio {
  studios[path] ??= {
    path,
    loaded: false,
    loading: false,
    detection: null,
    detectError: null,
    spec: null,
    specError: null,
    fields: { name: "", port: "", health_path: "/", platform: "linux/amd64" },
    plan: null,
    planning: false,
    planError: null,
    include: {},
    replace: {},
    writing: false,
    writeError: null,
    written: null,
    file: "Dockerfile",
    disk: null,
    eol: "\n",
    draft: "",
    revision: 0,
    saving: false,
    saveError: null,
    savedAt: null,
    jump: null,
  };
  return studios[path]!;
}

/** Whether the editor holds changes that are not on disk. */
export function isDirty(s: Studio): boolean {
  return s.draft !== normalizeEol(s.disk ?? "");
}

function folderName(path: string): string {
  return path.split(/[\\/]/).filter(Boolean).pop() ?? "app";
}

/** Puts the file's text in the editor, as on disk. */
function setDisk(s: Studio, text: string | null): void {
  s.disk = text;
  s.eol = eolOf(text);
  s.draft = normalizeEol(text ?? "");
  s.revision++;
}

/** Detects the stack, reads slipway.toml and the Dockerfile. Unsaved edits are kept unless `force`. */
export async function loadStudio(s: Studio, force = false): Promise<void> {
  if (s.loading) return;
  s.loading = true;
  const keepDraft = s.loaded && !force && isDirty(s);
  const [detection, spec] = await Promise.allSettled([backend.detectStack(s.path), backend.loadSpec(s.path)]);
  s.detection = detection.status === "fulfilled" ? detection.value : null;
  s.detectError = detection.status === "rejected" ? backend.toErrorBody(detection.reason) : null;
  s.spec = spec.status === "fulfilled" ? spec.value : null;
  s.specError = spec.status === "rejected" ? backend.toErrorBody(spec.reason) : null;
  if (!s.loaded || force) s.fields = initialFields(s.detection, s.spec, folderName(s.path));
  s.file = dockerfilePath(s.spec);
  if (!keepDraft) {
    try {
      setDisk(s, await backend.readProjectFile(s.path, s.file));
      s.saveError = null;
    } catch (e) {
      s.saveError = backend.toErrorBody(e);
    }
  }
  s.loaded = true;
  s.loading = false;
}

/** Asks for the preview of the generated files. */
export async function generate(s: Studio): Promise<void> {
  if (formProblems(s.fields).length > 0 || s.planning) return;
  s.planning = true;
  s.planError = null;
  s.written = null;
  s.writeError = null;
  try {
    const plan = await backend.planInit(s.path, toInitForm(s.fields));
    s.plan = plan;
    s.include = Object.fromEntries(plan.files.map((f) => [f.name, f.current !== f.proposed]));
    s.replace = Object.fromEntries(plan.files.filter((f) => f.overwrites).map((f) => [f.name, false]));
  } catch (e) {
    s.plan = null;
    s.planError = backend.toErrorBody(e);
  } finally {
    s.planning = false;
  }
}

/** The files a write would send, and which of them it may overwrite. */
export function chosenFiles(s: Studio): { files: string[]; overwrite: string[] } {
  const files: string[] = [];
  const overwrite: string[] = [];
  for (const f of s.plan?.files ?? []) {
    if (f.current === f.proposed) continue;
    if (f.overwrites) {
      // Never replace what the person has without the explicit checkbox.
      if (s.replace[f.name]) {
        files.push(f.name);
        overwrite.push(f.name);
      }
    } else if (s.include[f.name]) files.push(f.name);
  }
  return { files, overwrite };
}

/** Writes the chosen files, then reloads what changed. */
export async function writeChosen(s: Studio): Promise<void> {
  const { files, overwrite } = chosenFiles(s);
  if (files.length === 0 || s.writing) return;
  s.writing = true;
  s.writeError = null;
  try {
    s.written = await backend.writeInit(s.path, toInitForm(s.fields), files, overwrite);
    s.plan = null;
    const spec = await backend.loadSpec(s.path).catch(() => null);
    s.spec = spec;
    s.specError = null;
    s.file = dockerfilePath(spec);
    if (s.written.includes(s.file) || s.disk === null) setDisk(s, await backend.readProjectFile(s.path, s.file));
    void backend.detectStack(s.path).then((d) => (s.detection = d)).catch(() => undefined);
  } catch (e) {
    s.writeError = backend.toErrorBody(e);
  } finally {
    s.writing = false;
  }
}

/** Saves the editor's text, expecting the file unchanged on disk since it was loaded. */
export async function save(s: Studio): Promise<void> {
  if (s.saving) return;
  s.saving = true;
  s.saveError = null;
  const text = withEol(s.draft, s.eol);
  try {
    await backend.saveProjectFile(s.path, s.file, text, s.disk);
    s.disk = text;
    s.savedAt = Date.now();
  } catch (e) {
    s.saveError = backend.toErrorBody(e);
  } finally {
    s.saving = false;
  }
}

/** Throws the edits away and shows the file as it is on disk now. */
export async function reloadFromDisk(s: Studio): Promise<void> {
  try {
    setDisk(s, await backend.readProjectFile(s.path, s.file));
    s.saveError = null;
  } catch (e) {
    s.saveError = backend.toErrorBody(e);
  }
}

/** Asks the Dockerfile editor of `path` to show `line` next time it is visible. */
export function requestJump(path: string, line: number): void {
  studioFor(path).jump = line;
}
