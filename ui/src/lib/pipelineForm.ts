// Step 5's setup form: the [pipeline] section of slipway.toml as typed, the checks that need no
// backend (the same rules as crates/core/src/spec/pipeline.rs), and the spec the form saves.
import type { ComputeType, PipelineSpec } from "./bindings";
import type { FieldErrors } from "./serviceForm";

export type SourceKind = "s3" | "github" | "codecommit";

export const SOURCE_KINDS: readonly SourceKind[] = ["s3", "github", "codecommit"];
export const COMPUTE_TYPES: readonly ComputeType[] = ["small", "medium", "large"];

/** CodeBuild's machine sizes, as the form describes them. */
export const COMPUTE_SIZES: Record<ComputeType, { vcpu: number; memoryGb: number }> = {
  small: { vcpu: 2, memoryGb: 3 },
  medium: { vcpu: 4, memoryGb: 7 },
  large: { vcpu: 8, memoryGb: 15 },
};

/** The form as typed; every source keeps its own fields, so switching back loses nothing. */
export interface PipelineForm {
  source: SourceKind;
  /** The S3 object key; empty means Slipway's default (source/<app>.zip). */
  s3Key: string;
  connection: string;
  githubRepository: string;
  githubBranch: string;
  codecommitRepository: string;
  codecommitBranch: string;
  computeType: ComputeType;
  /** Kept as slipway.toml has it (the form does not edit the CodeBuild image). */
  image: string | null;
  /** Test commands, one per line. */
  tests: string;
  buildTimeout: number;
  approval: boolean;
  smokeTest: boolean;
  deployTimeout: number;
}

/** A connection name Slipway suggests for the app: 1-32 letters, digits, hyphens, underscores. */
export function suggestedConnection(app: string): string {
  const clean = app.replace(/[^A-Za-z0-9_-]/g, "-").replace(/-+/g, "-");
  return `${clean.slice(0, 25)}-github`.replace(/^-/, "");
}

/** The form for a saved pipeline, or the defaults for a new one (S3: it needs nothing else). */
export function formOf(p: PipelineSpec | undefined, app: string): PipelineForm {
  const form: PipelineForm = {
    source: "s3",
    s3Key: "",
    connection: suggestedConnection(app),
    githubRepository: "",
    githubBranch: "main",
    codecommitRepository: app,
    codecommitBranch: "main",
    computeType: "small",
    image: null,
    tests: "",
    buildTimeout: 30,
    approval: false,
    smokeTest: false,
    deployTimeout: 15,
  };
  if (!p) return form;
  const s = p.source;
  form.source = s.kind;
  if (s.kind === "s3") form.s3Key = s.key ?? "";
  else if (s.kind === "github") {
    form.connection = s.connection;
    form.githubRepository = s.repository;
    form.githubBranch = s.branch;
  } else {
    form.codecommitRepository = s.repository;
    form.codecommitBranch = s.branch;
  }
  form.computeType = p.build.compute_type;
  form.image = p.build.image;
  form.tests = p.build.test_commands.join("\n");
  form.buildTimeout = p.build.timeout_minutes;
  form.approval = p.deploy.approval;
  form.smokeTest = p.deploy.smoke_test;
  form.deployTimeout = p.deploy.timeout_minutes;
  return form;
}

/** The test commands as typed: one per line, blank lines left out. */
export function testCommands(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
}

/** `owner/name` from what was pasted: a GitHub URL (with or without .git) or the id itself. */
export function repositoryId(input: string): string {
  return input
    .trim()
    .replace(/^(https?:\/\/)?(www\.)?github\.com\//i, "")
    .replace(/^git@github\.com:/i, "")
    .replace(/\.git$/i, "")
    .replace(/\/+$/, "");
}

/** Git's rules for a branch name, the ones a person is likely to break. */
export function validBranch(branch: string): boolean {
  return !(
    branch.length === 0 ||
    branch.length > 255 ||
    /[\s~^:?*[\\]/.test(branch) ||
    // eslint-disable-next-line no-control-regex
    /[\x00-\x1f\x7f]/.test(branch) ||
    branch.startsWith("/") ||
    branch.endsWith("/") ||
    branch.endsWith(".lock") ||
    branch.includes("..") ||
    branch.includes("@{") ||
    branch.startsWith("-")
  );
}

const whole = (v: unknown, min: number, max: number) => typeof v === "number" && Number.isInteger(v) && v >= min && v <= max;

/**
 * What the form can tell without the backend, by the backend's field path, as a problem code
 * (pipeline.form.problem.<code>); empty when it may be saved. In practice mode GitHub is refused:
 * the emulator has no CodeConnections.
 */
export function formProblems(f: PipelineForm, practice: boolean): FieldErrors {
  const out: FieldErrors = {};
  if (f.source === "s3") {
    const k = f.s3Key.trim();
    if (k && (k.length > 1024 || k.startsWith("/") || k.includes("//"))) out["pipeline.source.key"] = "key";
    else if (k && !k.endsWith(".zip")) out["pipeline.source.key"] = "zip";
  } else if (f.source === "github") {
    if (practice) out["pipeline.source"] = "practiceGithub";
    if (!/^[A-Za-z0-9_-]{1,32}$/.test(f.connection.trim())) out["pipeline.source.connection"] = "connection";
    const parts = repositoryId(f.githubRepository).split("/");
    if (parts.length !== 2 || !parts.every((p) => /^[A-Za-z0-9_.-]{1,100}$/.test(p))) out["pipeline.source.repository"] = "ownerRepo";
    if (!validBranch(f.githubBranch.trim())) out["pipeline.source.branch"] = "branch";
  } else {
    if (!/^[A-Za-z0-9_.-]{1,100}$/.test(f.codecommitRepository.trim())) out["pipeline.source.repository"] = "codecommit";
    if (!validBranch(f.codecommitBranch.trim())) out["pipeline.source.branch"] = "branch";
  }
  if (!whole(f.buildTimeout, 5, 480)) out["pipeline.build.timeout_minutes"] = "buildTimeout";
  if (!whole(f.deployTimeout, 1, 60)) out["pipeline.deploy.timeout_minutes"] = "deployTimeout";
  return out;
}

/** The [pipeline] section the form saves. */
export function specOf(f: PipelineForm): PipelineSpec {
  const source: PipelineSpec["source"] =
    f.source === "s3"
      ? { kind: "s3", key: f.s3Key.trim() || null }
      : f.source === "github"
        ? { kind: "github", connection: f.connection.trim(), repository: repositoryId(f.githubRepository), branch: f.githubBranch.trim() }
        : { kind: "codecommit", repository: f.codecommitRepository.trim(), branch: f.codecommitBranch.trim() };
  return {
    source,
    build: { compute_type: f.computeType, image: f.image, test_commands: testCommands(f.tests), timeout_minutes: f.buildTimeout },
    deploy: { strategy: "rolling", approval: f.approval, smoke_test: f.smokeTest, timeout_minutes: f.deployTimeout },
  };
}

/** Whether saving the form would change slipway.toml (always, when it has no pipeline yet). */
export function formChanged(saved: PipelineSpec | undefined, f: PipelineForm): boolean {
  if (!saved) return true;
  return JSON.stringify(specOf(f)) !== JSON.stringify(normalised(saved));
}

/** A saved spec in the shape and key order specOf writes, so the two compare as text. */
function normalised(p: PipelineSpec): PipelineSpec {
  return specOf(formOf(p, ""));
}

/** The form's fields that show their own error, by the backend's field paths. */
export const PIPELINE_FIELDS: readonly string[] = [
  "pipeline.source",
  "pipeline.source.key",
  "pipeline.source.connection",
  "pipeline.source.repository",
  "pipeline.source.branch",
  "pipeline.build.timeout_minutes",
  "pipeline.build.test_commands",
  "pipeline.deploy.timeout_minutes",
];

/** Backend problems no field of the form shows (e.g. pipeline.build.image, service.memory). */
export function unplacedErrors(errors: FieldErrors): [string, string][] {
  return Object.entries(errors).filter(([k]) => !PIPELINE_FIELDS.includes(k));
}
