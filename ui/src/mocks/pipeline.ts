// The mock's step 5: a CodePipeline (source → CodeBuild → ECS deploy) the mock remembers per
// project. The buildspec is written and checked like crates/core/src/buildspec.rs; plans come
// from the resource graph of crates/core/src/plan/pipeline.rs; runs play out in time (stages,
// CodeBuild phases, a log that grows line by line) with the failures explained as
// crates/engine/src/pipeline/view.rs explains them. Scenarios: pipeline (the service runs, no
// pipeline yet), pipeline-runs (a pipeline with history: two runs that succeeded, one failed in
// Build with an npm error, one rolled back by the circuit breaker, one building now),
// pipeline-practice (the emulator: runs listed, action states unknown), pipeline-buildspec (the
// project's own buildspec.yml names another container).
import type { Channel } from "@tauri-apps/api/core";
import type {
  Action,
  ActionKind,
  ActionView,
  ApplyEvent,
  BuildInfo,
  BuildLogLine,
  BuildPhase,
  BuildspecInfo,
  BuildspecSummary,
  CostEstimate,
  ErrorBody,
  Failure,
  LogPage,
  NodeState,
  PipelineDestroyOutcome,
  PipelineOutcome,
  PipelinePlan,
  PipelineRun,
  PipelineSpec,
  Plan,
  PlanStep,
  ProjectSpec,
  ResourceKind,
  RunView,
  StageView,
} from "../lib/bindings";
import { criticalPath, operations, sender, sleep, walk } from "./apply";
import type { MockProject } from "./project";
import { deployedService } from "./service";

const ACCOUNT = "123456789012";
const REGION = "us-east-1";
const CONSOLE = "https://console.aws.amazon.com";

// ---------------------------------------------------------------------------------------------
// buildspec.yml

/** A YAML scalar as the Rust side writes it: plain when safe, else single-quoted. */
function scalar(s: string): string {
  const special = /^[-?:,[\]{}#&*!|>'"%@`\s]/.test(s);
  const ambiguous = ["", "~", "null", "true", "false", "yes", "no", "on", "off"].includes(s.toLowerCase()) || (s.trim() !== "" && !Number.isNaN(Number(s)));
  if (special || ambiguous || s.includes(": ") || s.includes(" #") || s.endsWith(":") || /\s$/.test(s) || /[\n\t]/.test(s)) return `'${s.replaceAll("'", "''")}'`;
  return s;
}

/** The buildspec Slipway writes for the spec (buildspec::generate). */
export function generatedBuildspec(spec: ProjectSpec): string {
  const app = spec.app.name;
  const dir = spec.app.path.replace(/\/+$/, "");
  const dockerfile = dir === "" || dir === "." ? spec.app.dockerfile : `${dir}/${spec.app.dockerfile}`;
  const context = dir === "" ? "." : dir;
  const tests = spec.pipeline?.build.test_commands ?? [];
  const phase = (name: string, abort: boolean, commands: string[]) =>
    `  ${name}:\n${abort ? "    on-failure: ABORT\n" : ""}    commands:\n${commands.map((c) => `      - ${scalar(c)}\n`).join("")}`;
  return (
    `# buildspec.yml for ${app}, written by Slipway (\`slipway pipeline buildspec\`).\n` +
    `# CodeBuild runs it on every change: log in to ECR, build the image, tag it with the\n` +
    `# commit, push it, and write imagedefinitions.json for the ECS deploy action.\n` +
    `# REPOSITORY_URI is set on the CodeBuild project by Slipway. CONTAINER_NAME must stay the\n` +
    `# task definition's container name (${app}), or the deploy cannot find it.\n` +
    `version: 0.2\n\n` +
    `env:\n  variables:\n` +
    [
      ["CONTAINER_NAME", app],
      ["DOCKERFILE", dockerfile],
      ["BUILD_CONTEXT", context],
      ["PLATFORM", spec.image.platform],
    ]
      .map(([k, v]) => `    ${k}: ${scalar(v!)}\n`)
      .join("") +
    `\nphases:\n` +
    phase("pre_build", true, [
      'echo "Logging in to ${REPOSITORY_URI%%/*}"',
      'aws ecr get-login-password --region "$AWS_DEFAULT_REGION" | docker login --username AWS --password-stdin "${REPOSITORY_URI%%/*}"',
      "COMMIT=$(echo \"$CODEBUILD_RESOLVED_SOURCE_VERSION\" | tr -dc 'A-Za-z0-9' | cut -c 1-7)",
      'IMAGE_TAG="${COMMIT:-build-$CODEBUILD_BUILD_NUMBER}"',
      'echo "This build is tagged $IMAGE_TAG"',
    ]) +
    phase("build", true, [...tests, 'docker build --platform "$PLATFORM" -f "$DOCKERFILE" -t "$REPOSITORY_URI:$IMAGE_TAG" "$BUILD_CONTEXT"']) +
    phase("post_build", false, [
      'if aws ecr describe-images --repository-name "${REPOSITORY_URI#*/}" --image-ids imageTag="$IMAGE_TAG" > /dev/null 2>&1; then echo "$IMAGE_TAG is already in ECR"; else docker push "$REPOSITORY_URI:$IMAGE_TAG"; fi',
      `printf '[{"name":"%s","imageUri":"%s"}]' "$CONTAINER_NAME" "$REPOSITORY_URI:$IMAGE_TAG" > imagedefinitions.json`,
      "cat imagedefinitions.json",
    ]) +
    `\nartifacts:\n  files:\n    - imagedefinitions.json\n`
  );
}

/** A buildspec a person edited: the web app's container was once called "web". */
export const OTHER_CONTAINER_BUILDSPEC = `version: 0.2

env:
  variables:
    CONTAINER_NAME: web

phases:
  pre_build:
    commands:
      - aws ecr get-login-password --region "$AWS_DEFAULT_REGION" | docker login --username AWS --password-stdin "\${REPOSITORY_URI%%/*}"
      - IMAGE_TAG=$(echo "$CODEBUILD_RESOLVED_SOURCE_VERSION" | cut -c 1-7)
  build:
    commands:
      - docker build -t "$REPOSITORY_URI:$IMAGE_TAG" .
  post_build:
    commands:
      - docker push "$REPOSITORY_URI:$IMAGE_TAG"
      - printf '[{"name":"%s","imageUri":"%s"}]' "$CONTAINER_NAME" "$REPOSITORY_URI:$IMAGE_TAG" > imagedefinitions.json

artifacts:
  files:
    - imagedefinitions.json
`;

function invalid(message: string, hint: string): ErrorBody {
  return { code: "buildspec_invalid", message, hint };
}

/** The buildspec check (buildspec::check) for the shapes the mock meets. */
export function checkBuildspec(text: string, container: string): BuildspecSummary {
  const lines = text.split("\n");
  const lineOf = (...needles: string[]) => {
    const i = lines.findIndex((l) => !l.trimStart().startsWith("#") && needles.every((n) => l.includes(n)));
    return i < 0 ? null : i + 1;
  };
  const at = (n: number | null) => (n ? ` (line ${n})` : "");
  const tab = lines.findIndex((l) => /^\s*\t/.test(l));
  if (tab >= 0) {
    throw invalid(
      `buildspec.yml is not valid YAML at line ${tab + 1}, column 1: found a tab character that violates indentation`,
      "Fix that line (YAML indents with spaces, never tabs, and a list item starts with '- '), or write Slipway's again with `slipway pipeline buildspec --force`.",
    );
  }
  if (!/^version:\s*0\.2\s*$/m.test(text)) {
    throw invalid(`buildspec.yml has version '${/^version:\s*(.*)$/m.exec(text)?.[1] ?? ""}'${at(lineOf("version"))}; CodeBuild's current format is 0.2`, "Set `version: 0.2` on the first line.");
  }
  const phases = ["install", "pre_build", "build", "post_build"].filter((p) => new RegExp(`^  ${p}:`, "m").test(text));
  if (phases.length === 0) throw invalid("buildspec.yml has no phases: CodeBuild would run nothing", "Add a `phases:` section, or regenerate it with `slipway pipeline buildspec --force`.");
  const commands = lines.filter((l) => /^\s{6,}- /.test(l)).map((l) => l.trim().slice(2));
  if (!commands.some((c) => c.includes("docker build"))) throw invalid("buildspec.yml never runs `docker build`: no image would be made", "Add the docker build command to the build phase.");
  const writer = commands.find((c) => c.includes("imagedefinitions.json") && c.includes(">"));
  if (!writer) throw invalid("buildspec.yml never writes imagedefinitions.json: the ECS deploy action needs it to know the new image", "Add the printf line of Slipway's buildspec to post_build.");
  const variable = /CONTAINER_NAME:\s*(\S+)/.exec(text)?.[1] ?? null;
  const named = writer.includes("$CONTAINER_NAME") ? variable : (/"name":"([^"%]+)"/.exec(writer)?.[1] ?? null);
  if (named && named !== container) {
    const line = writer.includes("CONTAINER_NAME") ? lineOf("CONTAINER_NAME:") : lineOf("imagedefinitions.json", ">");
    throw {
      code: "container_name_mismatch",
      message: `imagedefinitions.json would name the container '${named}'${at(line)}, but the task definition's container is '${container}': the ECS deploy action would fail to find it`,
      hint: `Change '${named}' to '${container}' in buildspec.yml (the container is named after the app in slipway.toml).`,
    } satisfies ErrorBody;
  }
  return { phases, container: named, commands: commands.length };
}

export function buildspecInfo(p: MockProject): BuildspecInfo {
  const spec = specOf(p);
  const existing = p.files["buildspec.yml"] ?? null;
  let summary: BuildspecSummary | null = null;
  let problem: ErrorBody | null = null;
  if (existing !== null) {
    try {
      summary = checkBuildspec(existing, spec.app.name);
    } catch (e) {
      problem = e as ErrorBody;
    }
  }
  return { generated: generatedBuildspec(spec), existing, container: spec.app.name, summary, problem };
}

// ---------------------------------------------------------------------------------------------
// slipway.toml's [pipeline] rules (crates/core/src/spec/pipeline.rs), as save_spec applies them

const BRANCH_RULE = "is not a git branch name (no spaces, ~ ^ : ? * [ \\, '..' or a trailing slash)";

function branchOk(b: string): boolean {
  return !(b === "" || /[\s~^:?*[\\]/.test(b) || b.startsWith("/") || b.endsWith("/") || b.endsWith(".lock") || b.includes("..") || b.includes("@{") || b.startsWith("-"));
}

export function checkSpec(spec: ProjectSpec): void {
  const p = spec.pipeline;
  if (!p) return;
  const problems: [string, string][] = [];
  const s = p.source;
  if (s.kind === "s3" && s.key !== null) {
    if (s.key === "" || s.key.startsWith("/") || s.key.includes("//")) problems.push(["pipeline.source.key", `'${s.key}' must be an S3 key such as source/app.zip (no leading slash, at most 1024 characters)`]);
    else if (!s.key.endsWith(".zip")) problems.push(["pipeline.source.key", `'${s.key}' must end with .zip: CodePipeline's S3 source reads a zip file`]);
  }
  if (s.kind === "github") {
    if (!/^[A-Za-z0-9_-]{1,32}$/.test(s.connection)) problems.push(["pipeline.source.connection", `'${s.connection}' must be 1 to 32 letters, digits, hyphens or underscores`]);
    if (!/^[A-Za-z0-9_.-]{1,100}\/[A-Za-z0-9_.-]{1,100}$/.test(s.repository)) {
      problems.push(["pipeline.source.repository", `'${s.repository}' must be the full repository id, owner/name (for https://github.com/octo/shop it is octo/shop)`]);
    }
  }
  if (s.kind === "codecommit" && !/^[A-Za-z0-9_.-]{1,100}$/.test(s.repository)) {
    problems.push(["pipeline.source.repository", `'${s.repository}' must be a CodeCommit repository name: 1 to 100 letters, digits, . _ -`]);
  }
  if (s.kind !== "s3" && !branchOk(s.branch)) problems.push(["pipeline.source.branch", `'${s.branch}' ${BRANCH_RULE}`]);
  if (p.build.timeout_minutes < 5 || p.build.timeout_minutes > 480) problems.push(["pipeline.build.timeout_minutes", "CodeBuild accepts 5 to 480 minutes"]);
  if (p.deploy.timeout_minutes < 1 || p.deploy.timeout_minutes > 60) problems.push(["pipeline.deploy.timeout_minutes", "the ECS deploy action waits 1 to 60 minutes"]);
  p.build.test_commands.forEach((c, i) => {
    if (!c.trim()) problems.push(["pipeline.build.test_commands", `command ${i + 1} is empty`]);
  });
  if (problems.length > 0) {
    throw {
      code: "spec_invalid",
      message: `slipway.toml has ${problems.length} problem(s): ${problems.map(([f, m]) => `${f}: ${m}`).join("; ")}`,
      hint: `Correct ${problems[0]![0]} in slipway.toml.`,
    };
  }
}

// ---------------------------------------------------------------------------------------------
// What the mock's AWS holds

type Outcome = "succeed" | "fail-source" | "fail-build" | "fail-deploy" | "hang";

interface MockRun {
  id: string;
  trigger: string;
  /** Unix ms. */
  startedAt: number;
  revision: string;
  revisionSummary: string;
  /** Durations are multiplied by this (1 = as long as on AWS; new runs play faster). */
  scale: number;
  outcome: Outcome;
  buildNumber: number;
  stream: string;
  stop: { at: number; abandon: boolean } | null;
  /** A failed stage run again from `at` (Unix ms), played at its own speed; it succeeds. */
  retry: { stage: string; at: number; stream: string; scale: number } | null;
  /** The practice emulator: ended at once, nothing known about the actions. */
  practice: boolean;
}

interface PipelineState {
  /** The resources that exist, by plan key, with what they were made from. */
  resources: Record<string, { id: string; name: string; props: string }> | null;
  runs: MockRun[];
  connection: "PENDING" | "AVAILABLE";
  buildNumber: number;
  sourceVersion: number;
}

const states = new Map<string, PipelineState>();

function specOf(p: MockProject): ProjectSpec {
  if (!p.spec) throw { code: "spec_invalid", message: `${p.path} has no slipway.toml yet.`, hint: "Generate it in step 1." };
  return p.spec;
}

function pipelineOf(spec: ProjectSpec): PipelineSpec {
  if (!spec.pipeline) throw { code: "spec_invalid", message: "slipway.toml has no [pipeline] section yet.", hint: "Choose a source in the Pipeline step and save." };
  return spec.pipeline;
}

let uuidSeed = 0x5eed;
function uuid(): string {
  const hex = (n: number) =>
    Array.from({ length: n }, () => {
      uuidSeed = (uuidSeed * 1103515245 + 12345) & 0x7fffffff;
      return (uuidSeed >> 16).toString(16).slice(-1);
    }).join("");
  return `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`;
}

const S3_PIPELINE: PipelineSpec = {
  source: { kind: "s3", key: null },
  build: { compute_type: "small", image: null, test_commands: ["npm run build --prefix static"], timeout_minutes: 30 },
  deploy: { strategy: "rolling", approval: false, smoke_test: false, timeout_minutes: 15 },
};

/** Sets the scenario's project up before anything reads it (called when the folder is made). */
export function seed(p: MockProject, scenario: string): void {
  if (!p.spec) return;
  if (scenario === "pipeline-runs" || scenario === "pipeline-practice" || scenario === "monitor-pipeline-fail" || scenario === "monitor-bench") p.spec = { ...p.spec, pipeline: structuredClone(S3_PIPELINE) };
  if (scenario === "pipeline-buildspec") p.files["buildspec.yml"] = OTHER_CONTAINER_BUILDSPEC;
}

function stateOf(p: MockProject, scenario: string): PipelineState {
  let s = states.get(p.path);
  if (!s) {
    s = { resources: null, runs: [], connection: "PENDING", buildNumber: 41, sourceVersion: 7 };
    if (p.spec?.pipeline && (scenario === "pipeline-runs" || scenario === "pipeline-practice" || scenario === "monitor-pipeline-fail")) {
      s.resources = {};
      for (const d of desired(p.spec)) s.resources[d.key] = { id: d.id, name: d.name, props: d.props };
      s.runs = scenario === "pipeline-practice" ? practiceHistory() : history(s);
      // Step 6's failing pipeline: the latest run is the one whose build failed.
      if (scenario === "monitor-pipeline-fail") s.runs = s.runs.slice(2);
    }
    states.set(p.path, s);
  }
  return s;
}

const MIN = 60_000;
const HOUR = 60 * MIN;

function history(s: PipelineState): MockRun[] {
  const now = Date.now();
  const run = (agoMs: number, outcome: Outcome, trigger: string, summary: string): MockRun => {
    s.buildNumber += 1;
    s.sourceVersion += 1;
    return {
      id: uuid(),
      trigger,
      startedAt: now - agoMs,
      revision: `v${s.sourceVersion}.Xq8b3nLk_9T2mF0aZ1rVdP`,
      revisionSummary: summary,
      scale: 1,
      outcome,
      buildNumber: s.buildNumber,
      stream: uuid(),
      stop: null,
      retry: null,
      practice: false,
    };
  };
  // Made oldest first (build numbers grow), listed newest first as ListPipelineExecutions answers.
  return [
    run(2 * 24 * HOUR, "succeed", "CreatePipeline", "Uploaded by Slipway: 211 files, 1.3 MB"),
    run(26 * HOUR, "succeed", "StartPipelineExecution", "Uploaded by Slipway: 211 files, 1.3 MB (health endpoint)"),
    run(5 * HOUR, "fail-build", "StartPipelineExecution", "Uploaded by Slipway: 213 files, 1.4 MB (new product grid)"),
    run(2 * HOUR, "fail-deploy", "StartPipelineExecution", "Uploaded by Slipway: 214 files, 1.4 MB (gunicorn workers from $WORKERS)"),
    run(3.5 * MIN, "hang", "StartPipelineExecution", "Uploaded by Slipway: 214 files, 1.4 MB (checkout page copy)"),
  ].reverse();
}

function practiceHistory(): MockRun[] {
  const now = Date.now();
  return [3 * MIN, 40 * MIN].map((ago, i) => ({
    id: uuid(),
    trigger: i === 0 ? "StartPipelineExecution" : "CreatePipeline",
    startedAt: now - ago,
    revision: `v${2 - i}.practice`,
    revisionSummary: "Uploaded by Slipway",
    scale: 1,
    outcome: "succeed",
    buildNumber: 0,
    stream: uuid(),
    stop: null,
    retry: null,
    practice: true,
  }));
}

// ---------------------------------------------------------------------------------------------
// The plan (plan/pipeline.rs)

interface DesiredResource {
  key: string;
  kind: ResourceKind;
  name: string;
  id: string;
  deps: string[];
  purpose: string;
  /** What the resource is made from, compared as text. */
  props: string;
}

function names(app: string) {
  return {
    bucket: `${app}-pipeline-${ACCOUNT}-${REGION}`,
    buildProject: `${app}-build`,
    buildRole: `${app}-codebuild`,
    pipelineRole: `${app}-pipeline`,
    buildLogs: `/aws/codebuild/${app}-build`,
    smokeLogs: `/aws/codepipeline/${app}`,
  };
}

function desired(spec: ProjectSpec): DesiredResource[] {
  const p = pipelineOf(spec);
  const app = spec.app.name;
  const n = names(app);
  const out: DesiredResource[] = [];
  const add = (key: string, kind: ResourceKind, name: string, id: string, deps: string[], purpose: string, props: unknown = {}) =>
    out.push({ key, kind, name, id, deps, purpose, props: JSON.stringify(props) });
  const deps = ["role-pipeline", "build", "artifacts"];
  add("artifacts", "bucket", n.bucket, n.bucket, [], "Holds what passes between the stages (the source, the build's imagedefinitions.json): versioned, encrypted, never public.");
  if (p.source.kind === "s3") {
    const key = p.source.key ?? `source/${app}.zip`;
    add("source", "source_object", key, `s3://${n.bucket}/${key}`, ["artifacts"], "Your project folder as a zip (what .gitignore and .dockerignore leave in): each new upload is a new version the pipeline builds.", { key });
    deps.push("source");
  } else if (p.source.kind === "github") {
    add(
      "connection",
      "source_connection",
      p.source.connection,
      `arn:aws:codeconnections:${REGION}:${ACCOUNT}:connection/8d1c3f4e-2b7a-4c6d-9e0f-1a2b3c4d5e6f`,
      [],
      "Lets CodePipeline read your GitHub repository. It starts PENDING: approve it once in the AWS console (Developer Tools → Settings → Connections).",
    );
    deps.push("connection");
  }
  add("build-logs", "log_group", n.buildLogs, `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${n.buildLogs}`, [], "Keeps every build's output (the failing command and the lines before it).", { days: spec.service.log_retention_days });
  add(
    "role-build",
    "role",
    n.buildRole,
    `arn:aws:iam::${ACCOUNT}:role/${n.buildRole}`,
    [],
    "CodeBuild's identity: push to this app's ECR repository, write its build logs, read and write the artifact bucket. Nothing else.",
  );
  add(
    "build",
    "build_project",
    n.buildProject,
    `arn:aws:codebuild:${REGION}:${ACCOUNT}:project/${n.buildProject}`,
    ["role-build", "build-logs"],
    "Builds the image from the source with buildspec.yml (privileged, so Docker runs), pushes it and writes imagedefinitions.json.",
    { compute: p.build.compute_type, timeout: p.build.timeout_minutes, image: p.build.image },
  );
  if (p.deploy.smoke_test) {
    add("smoke-logs", "log_group", n.smokeLogs, `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${n.smokeLogs}`, [], "Keeps the smoke test's output.", { days: spec.service.log_retention_days });
    deps.push("smoke-logs");
  }
  add(
    "role-pipeline",
    "role",
    n.pipelineRole,
    `arn:aws:iam::${ACCOUNT}:role/${n.pipelineRole}`,
    p.source.kind === "github" ? ["connection"] : [],
    "CodePipeline's identity: read the source, start this build, deploy this service, and pass only the task's roles to ECS.",
    { source: p.source.kind, smoke: p.deploy.smoke_test },
  );
  add("pipeline", "pipeline", app, `arn:aws:codepipeline:${REGION}:${ACCOUNT}:${app}`, deps, "The pipeline (V2): every change goes Source → Build → Deploy (a rolling update of the service).", {
    source: p.source,
    approval: p.deploy.approval,
    smoke: p.deploy.smoke_test,
    deployTimeout: p.deploy.timeout_minutes,
  });
  return out;
}

const LABEL: Partial<Record<ResourceKind, string>> = {
  bucket: "S3 bucket",
  source_object: "source archive",
  source_connection: "source connection",
  log_group: "log group",
  role: "IAM role",
  build_project: "CodeBuild project",
  pipeline: "pipeline",
};

function calls(kind: ResourceKind, action: Action): string[] {
  const table: Partial<Record<ResourceKind, Partial<Record<Action, string[]>>>> = {
    bucket: {
      create: ["s3:CreateBucket", "s3:PutBucketVersioning", "s3:PutBucketEncryption", "s3:PutPublicAccessBlock", "s3:PutBucketTagging"],
      delete: ["s3:DeleteObjectVersion", "s3:DeleteBucket"],
    },
    source_object: { create: ["s3:PutObject"], update: ["s3:PutObject"], delete: ["s3:DeleteObject"] },
    source_connection: { create: ["codeconnections:CreateConnection"], delete: ["codeconnections:DeleteConnection"] },
    log_group: { create: ["logs:CreateLogGroup", "logs:PutRetentionPolicy"], update: ["logs:PutRetentionPolicy"], delete: ["logs:DeleteLogGroup"] },
    role: { create: ["iam:CreateRole", "iam:PutRolePolicy"], update: ["iam:PutRolePolicy"], delete: ["iam:DeleteRolePolicy", "iam:DeleteRole"] },
    build_project: { create: ["codebuild:CreateProject", "iam:PassRole"], update: ["codebuild:UpdateProject", "iam:PassRole"], delete: ["codebuild:DeleteProject"] },
    pipeline: { create: ["codepipeline:CreatePipeline", "iam:PassRole"], update: ["codepipeline:UpdatePipeline", "iam:PassRole"], delete: ["codepipeline:DeletePipeline"] },
  };
  return table[kind]?.[action] ?? [];
}

function planOf(p: MockProject, scenario: string, practice: boolean): Plan {
  const spec = specOf(p);
  const pipeline = pipelineOf(spec);
  if (practice && pipeline.source.kind === "github") {
    throw {
      code: "practice_unsupported",
      message: "The practice emulator has no CodeConnections API, so a GitHub source cannot be wired in practice mode.",
      hint: 'Use [pipeline.source] kind = "s3" to practise (Slipway uploads the folder), or connect a real AWS profile for GitHub.',
    };
  }
  const existing = p.files["buildspec.yml"];
  if (existing !== undefined) checkBuildspec(existing, spec.app.name);
  else if (pipeline.source.kind !== "s3") {
    throw {
      code: "buildspec_invalid",
      message: `${p.path} has no buildspec.yml: CodeBuild would have nothing to run.`,
      hint: "Write it with `slipway pipeline buildspec --write`, then commit and push it to the branch the pipeline builds.",
    };
  }
  if (!deployedService(p, scenario)) {
    throw {
      code: "service_not_deployed",
      message: `The pipeline deploys to the ECS service ${spec.app.name} in cluster ${spec.app.name}, which does not exist in ${REGION} (practice).`,
      hint: "Deploy the service first (step 4: `slipway apply`), then plan the pipeline.",
    };
  }
  const have = stateOf(p, scenario).resources ?? {};
  const steps: PlanStep[] = [];
  const wanted = desired(spec);
  for (const w of wanted) {
    const current = have[w.key];
    const base = { key: w.key, kind: w.kind, name: w.name, purpose: w.purpose, deps: w.deps };
    if (!current) steps.push({ ...base, action: "create", reason: `no ${LABEL[w.kind] ?? w.kind} named ${w.name} exists yet`, changes: [], calls: calls(w.kind, "create"), id: null });
    else if (current.props === w.props) steps.push({ ...base, action: "keep", reason: "already as wanted", changes: [], calls: [], id: current.id });
    else {
      const before = JSON.parse(current.props) as Record<string, unknown>;
      const after = JSON.parse(w.props) as Record<string, unknown>;
      const changes = Object.keys(after)
        .filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]))
        .map((k) => ({ field: k, from: before[k] === undefined ? null : JSON.stringify(before[k]), to: JSON.stringify(after[k]) }));
      steps.push({ ...base, action: "update", reason: `${changes.map((c) => c.field).join(", ")} changed`, changes, calls: calls(w.kind, "update"), id: current.id });
    }
  }
  const keys = new Set(wanted.map((w) => w.key));
  for (const [key, r] of Object.entries(have)) {
    if (keys.has(key)) continue;
    const kind: ResourceKind = key === "connection" ? "source_connection" : key === "source" ? "source_object" : "log_group";
    steps.push({ key, kind, name: r.name, action: "delete", reason: "belongs to the project but is no longer in the spec", purpose: "", changes: [], calls: calls(kind, "delete"), deps: ["pipeline"], id: r.id });
  }
  return { project: spec.app.name, steps, critical_path: criticalPath(steps) };
}

/** What a month of runs costs (cost::pipeline_cost_for, us-east-1). */
function cost(spec: ProjectSpec): CostEstimate {
  const p = pipelineOf(spec);
  const factor = { small: 1, medium: 2, large: 4 }[p.build.compute_type];
  const extra = p.deploy.smoke_test ? 1 : 0;
  const runs = 60;
  const build = 5 + extra;
  const deploy = 4 + extra;
  const money = (x: number) => (x >= 1 ? `$${x.toFixed(2)}` : `$${x.toFixed(5)}`);
  const size = { small: "general1.small", medium: "BUILD_GENERAL1_MEDIUM", large: "BUILD_GENERAL1_LARGE" }[p.build.compute_type];
  const lines = [
    { item: "CodePipeline V2 action minutes", detail: `${runs} runs × ${1 + build + deploy} action minutes × ${money(0.002)}/min, per month`, hourly: (runs * (1 + build + deploy) * 0.002) / 730 },
    { item: `CodeBuild (${size})`, detail: `${runs} builds × ${build} min × ${money(0.005 * factor)}/min, per month`, hourly: (runs * build * 0.005 * factor) / 730 },
    { item: "S3 artifacts", detail: `about 1 GB × ${money(0.023)}/GB-month`, hourly: 0.023 / 730 },
  ];
  const hourly = lines.reduce((s, l) => s + l.hourly, 0);
  const assumptions = [`${runs} runs a month, ${build} build minutes and ${deploy} deploy minutes each.`, "The first 100 action minutes and 100 build minutes of each month are free; not subtracted here."];
  if (p.deploy.approval) assumptions.push("Time a run waits for manual approval is not counted as action minutes.");
  return {
    region: REGION,
    region_priced: true,
    lines,
    hourly,
    daily: hourly * 24,
    monthly: hourly * 730,
    assumptions,
    source: "AWS on-demand list prices as published in 2025-01 (aws.amazon.com/codepipeline/pricing, /codebuild/pricing, /s3/pricing)",
  };
}

function connectionNotice(p: MockProject, scenario: string): ErrorBody | null {
  const spec = specOf(p);
  const s = spec.pipeline?.source;
  if (s?.kind !== "github") return null;
  if (stateOf(p, scenario).connection === "AVAILABLE") return null;
  const link = `${CONSOLE}/codesuite/settings/connections?region=${REGION}`;
  return {
    code: "connection_pending",
    message: `The GitHub connection ${s.connection} is waiting for your approval (PENDING): until then the pipeline cannot read the repository.`,
    hint: `Open ${link}, choose ${s.connection}, then "Update pending connection" and install or pick the AWS Connector for GitHub app. AWS offers no API for this one step; run \`slipway pipeline status\` afterwards to check it is AVAILABLE.`,
  };
}

export function planPipeline(p: MockProject, scenario: string, practice: boolean): PipelinePlan {
  const plan = planOf(p, scenario, practice);
  const pending = p.spec?.pipeline?.source.kind === "github" ? connectionNotice(p, scenario) : null;
  return { plan, cost: cost(specOf(p)), connection: pending };
}

const changing = (plan: Plan) =>
  plan.steps
    .filter((s) => s.action !== "keep" && s.action !== "read")
    .map((s) => `${s.key}:${s.action}`)
    .sort()
    .join(",");

function duration(step: PlanStep): number {
  const base: Partial<Record<ResourceKind, number>> = { bucket: 700, source_object: 1100, source_connection: 500, log_group: 250, role: 600, build_project: 650, pipeline: 900 };
  return base[step.kind] ?? 300;
}

export async function applyPipeline(p: MockProject, scenario: string, practice: boolean, expected: Plan, operation: string, channel: Channel<ApplyEvent>): Promise<PipelineOutcome> {
  const spec = specOf(p);
  const plan = planOf(p, scenario, practice);
  if (changing(plan) !== changing(expected)) {
    throw { code: "invalid_input", message: "What exists (or the project folder) changed since the plan was made; nothing was applied.", hint: "Look at the new plan and confirm it again." };
  }
  const state = stateOf(p, scenario);
  operations.add(operation);
  const report = await walk(plan, operation, sender(channel), { duration, idOf: (s) => desired(spec).find((d) => d.key === s.key)?.id ?? s.id ?? s.name });
  operations.delete(operation);
  const wanted = desired(spec);
  const created = !state.resources?.pipeline && report.done.includes("pipeline");
  state.resources ??= {};
  for (const key of report.done) {
    const step = plan.steps.find((s) => s.key === key)!;
    if (step.action === "delete") delete state.resources[key];
    const w = wanted.find((x) => x.key === key);
    if (w && step.action !== "delete") state.resources[key] = { id: w.id, name: w.name, props: w.props };
  }
  if (Object.keys(state.resources).length === 0) state.resources = null;
  let started: string | null = null;
  if (!report.failed && !report.cancelled) {
    if (created) {
      // CreatePipeline starts the first run by itself; a GitHub source not approved yet fails it.
      const first = newRun(state, "CreatePipeline", practice);
      if (spec.pipeline?.source.kind === "github" && state.connection === "PENDING") first.outcome = "fail-source";
      state.runs.unshift(first);
    } else if (report.done.includes("source")) {
      const r = newRun(state, "StartPipelineExecution", practice);
      state.runs.unshift(r);
      started = r.id;
    }
  }
  return { report, started_run: started, connection: connectionNotice(p, scenario), cost: cost(spec) };
}

function newRun(s: PipelineState, trigger: string, practice: boolean): MockRun {
  s.buildNumber += 1;
  s.sourceVersion += 1;
  return {
    id: uuid(),
    trigger,
    startedAt: Date.now(),
    revision: `v${s.sourceVersion}.Lk9T2mF0aZ1rVdPXq8b3n_`,
    revisionSummary: "Uploaded by Slipway: 214 files, 1.4 MB",
    scale: 0.08,
    outcome: "succeed",
    buildNumber: s.buildNumber,
    stream: uuid(),
    stop: null,
    retry: null,
    practice,
  };
}

export function planDestroy(p: MockProject, scenario: string): Plan {
  const spec = specOf(p);
  const have = stateOf(p, scenario).resources ?? {};
  const order = ["pipeline", "role-pipeline", "smoke-logs", "build", "role-build", "build-logs", "connection", "source", "artifacts"];
  const kinds: Record<string, ResourceKind> = {
    pipeline: "pipeline",
    "role-pipeline": "role",
    "smoke-logs": "log_group",
    build: "build_project",
    "role-build": "role",
    "build-logs": "log_group",
    connection: "source_connection",
    source: "source_object",
    artifacts: "bucket",
  };
  const steps: PlanStep[] = [];
  let previous: string | null = null;
  for (const key of order) {
    const r = have[key];
    if (!r) continue;
    const kind = kinds[key]!;
    steps.push({ key, kind, name: r.name, action: "delete", reason: "belongs to the project", purpose: "", changes: [], calls: calls(kind, "delete"), deps: previous ? [previous] : [], id: r.id });
    previous = key;
  }
  return { project: spec.app.name, steps, critical_path: criticalPath(steps) };
}

export async function destroyPipeline(p: MockProject, scenario: string, operation: string, channel: Channel<ApplyEvent>): Promise<PipelineDestroyOutcome> {
  const state = stateOf(p, scenario);
  const plan = planDestroy(p, scenario);
  operations.add(operation);
  const report = await walk(plan, operation, sender(channel), { duration: (s) => (s.kind === "bucket" ? 1200 : 400), idOf: (s) => s.id ?? s.name });
  operations.delete(operation);
  if (state.resources) {
    for (const key of report.done) delete state.resources[key];
    if (Object.keys(state.resources).length === 0) {
      state.resources = null;
      state.runs = [];
    }
  }
  return { report, left: Object.values(state.resources ?? {}).map((r) => r.id) };
}

// ---------------------------------------------------------------------------------------------
// Runs in time

const PHASES: [string, number][] = [
  ["SUBMITTED", 400],
  ["QUEUED", 1_600],
  ["PROVISIONING", 17_000],
  ["DOWNLOAD_SOURCE", 3_000],
  ["INSTALL", 800],
  ["PRE_BUILD", 9_000],
  ["BUILD", 96_000],
  ["POST_BUILD", 22_000],
  ["UPLOAD_ARTIFACTS", 900],
  ["FINALIZING", 1_800],
  ["COMPLETED", 0],
];
const SOURCE_MS = 4_000;
const APPROVAL_MS = 60_000;
const DEPLOY_MS = 185_000;
const SMOKE_MS = 25_000;
/** The failed BUILD phase ends sooner (the first command fails). */
const FAILED_BUILD_MS = 31_000;

interface Segment {
  stage: string;
  action: string;
  kind: ActionKind;
  provider: string;
  runOrder: number;
  /** ms from the run's start */
  start: number;
  end: number;
  fails: boolean;
}

/** A build's phases with their durations (ms) and whether each fails. */
function buildPhases(outcome: Outcome, scale: number): [string, number, boolean][] {
  const out: [string, number, boolean][] = [];
  for (const [name, ms] of PHASES) {
    if (outcome === "fail-build" && name === "BUILD") {
      out.push([name, FAILED_BUILD_MS * scale, true], ["FINALIZING", 1_800 * scale, false], ["COMPLETED", 0, false]);
      break;
    }
    out.push([name, outcome === "hang" && name === "BUILD" ? Infinity : ms * scale, false]);
  }
  return out;
}

const STAGE_ORDER = ["Source", "Build", "Approve", "Deploy"];

/** Whether `stage` was run again by a retry (the retried stage and the ones after it). */
function retried(run: MockRun, stage: string): boolean {
  return !!run.retry && STAGE_ORDER.indexOf(stage) >= STAGE_ORDER.indexOf(run.retry.stage);
}

/** How a segment of `stage` plays: its outcome and speed (a retry's are its own). */
function attempt(run: MockRun, stage: string): { outcome: Outcome; scale: number } {
  return retried(run, stage) ? { outcome: "succeed", scale: run.retry!.scale } : { outcome: run.outcome, scale: run.scale };
}

function segments(run: MockRun, spec: ProjectSpec): Segment[] {
  const p = spec.pipeline ?? S3_PIPELINE;
  const provider = { s3: "S3", github: "CodeStarSourceConnection", codecommit: "CodeCommit" }[p.source.kind];
  const out: Segment[] = [];
  let t = 0;
  const push = (stage: string, action: string, kind: ActionKind, prov: string, runOrder: number, ms: number, fails: boolean) => {
    // The retried stage starts again when the retry was asked for.
    if (run.retry && stage === run.retry.stage && runOrder === 1) t = run.retry.at - run.startedAt;
    out.push({ stage, action, kind, provider: prov, runOrder, start: t, end: t + ms, fails });
    t += ms;
  };
  const source = attempt(run, "Source");
  push("Source", "Source", "source", provider, 1, SOURCE_MS * source.scale, source.outcome === "fail-source");
  const build = attempt(run, "Build");
  const buildMs = buildPhases(build.outcome, build.scale).reduce((sum, [, ms]) => sum + ms, 0);
  push("Build", "Build", "build", "CodeBuild", 1, buildMs, build.outcome === "fail-build");
  if (p.deploy.approval) push("Approve", "Approve", "approval", "Manual", 1, APPROVAL_MS * attempt(run, "Approve").scale, false);
  const deploy = attempt(run, "Deploy");
  push("Deploy", "Deploy", "deploy", "ECS", 1, DEPLOY_MS * deploy.scale, deploy.outcome === "fail-deploy");
  if (p.deploy.smoke_test) push("Deploy", "SmokeTest", "compute", "Commands", 2, SMOKE_MS * deploy.scale, false);
  return out;
}

interface Played {
  state: NodeState;
  status: string;
  stages: StageView[];
  /** ms from the start of the last change. */
  updated: number;
  builds: { seg: Segment; info: BuildInfo; phaseStates: BuildPhase[] }[];
  failedSeg: Segment | null;
}

function stageState(actions: ActionView[]): NodeState {
  const s = actions.map((a) => a.state);
  if (s.includes("failed")) return "failed";
  if (s.includes("stopping")) return "stopping";
  if (s.includes("in_progress")) return "in_progress";
  if (s.includes("abandoned")) return "abandoned";
  if (s.includes("stopped")) return "stopped";
  if (s.every((x) => x === "succeeded")) return "succeeded";
  if (s.every((x) => x === "not_started")) return "not_started";
  return "in_progress";
}

/** The run as it stands `now`: each action's state, the build's phases, the run's status. */
function play(run: MockRun, spec: ProjectSpec, now: number): Played {
  const t = now - run.startedAt;
  const stopT = run.stop ? run.stop.at - run.startedAt : null;
  const segs = segments(run, spec);
  const states: NodeState[] = [];
  let blocked = false;
  let failedSeg: Segment | null = null;
  let updated = 0;
  for (const seg of segs) {
    // Actions of one stage with run order 2 wait for run order 1.
    let st: NodeState;
    const end = stopT !== null && !run.stop!.abandon && seg.start < stopT ? Math.min(seg.end, stopT + 4_000) : seg.end;
    if (blocked || t < seg.start || (stopT !== null && seg.start >= stopT)) st = "not_started";
    else if (stopT !== null && run.stop!.abandon && seg.start < stopT && seg.end > stopT) {
      st = t >= stopT ? "abandoned" : "in_progress";
      updated = Math.max(updated, stopT);
    } else if (t >= end) {
      st = seg.fails ? "failed" : "succeeded";
      updated = Math.max(updated, end);
    } else {
      st = "in_progress";
      updated = t;
    }
    if (st === "failed") {
      blocked = true;
      failedSeg = seg;
    }
    if (stopT !== null && t >= stopT && (st === "not_started" || st === "abandoned")) blocked = true;
    states.push(st);
  }
  const builds: Played["builds"] = [];
  const stages: StageView[] = [];
  segs.forEach((seg, i) => {
    const state = states[i]!;
    let build: BuildInfo | null = null;
    if (seg.kind === "build") {
      const stream = retried(run, "Build") ? run.retry!.stream : run.stream;
      const { outcome, scale } = attempt(run, "Build");
      const phases: BuildPhase[] = [];
      let pt = seg.start;
      let current: string | null = null;
      for (const [name, ms, fails] of buildPhases(outcome, scale)) {
        if (state === "not_started" || t < pt) break;
        const done = t >= pt + ms;
        // A phase cut short by a stop ends with the action.
        const ps: NodeState = done ? (fails ? "failed" : "succeeded") : state === "in_progress" ? "in_progress" : "stopped";
        phases.push({
          name,
          state: ps,
          status: done ? (fails ? "FAILED" : "SUCCEEDED") : ps === "stopped" ? "STOPPED" : null,
          duration_s: done ? Math.round(ms / 1000) : null,
          message: fails && done ? "COMMAND_EXECUTION_ERROR: Error while executing command: npm run build --prefix static. Reason: exit status 1" : null,
        });
        current = name;
        if (!done) break;
        pt += ms;
      }
      const status = { succeeded: "SUCCEEDED", failed: "FAILED", abandoned: "STOPPED", stopped: "STOPPED", in_progress: "IN_PROGRESS" }[state as string] ?? null;
      const project = names(spec.app.name).buildProject;
      build = {
        id: `${project}:${stream}`,
        status,
        current_phase: current,
        phases,
        log_group: `/aws/codebuild/${project}`,
        log_stream: stream,
        log_link: `${CONSOLE}/cloudwatch/home?region=${REGION}#logsV2:log-groups/log-group/$252Faws$252Fcodebuild$252F${project}/log-events/${stream}`,
      };
      if (state !== "not_started") builds.push({ seg, info: build, phaseStates: phases });
    }
    const started = state === "not_started" ? null : run.startedAt + seg.start;
    const summary =
      seg.kind === "source" && state === "succeeded"
        ? `source/${spec.app.name}.zip, version ${run.revision.slice(0, 10)}…`
        : seg.kind === "approval" && state === "succeeded"
          ? "Approved by lan@example.com"
          : seg.kind === "approval" && state === "in_progress"
            ? "Waiting for someone to approve in the console"
            : seg.kind === "deploy" && state === "succeeded"
              ? `ECS service ${spec.app.name} is steady on the new image`
              : null;
    const action: ActionView = {
      name: seg.action,
      kind: seg.kind,
      provider: seg.provider,
      run_order: seg.runOrder,
      state,
      started_ms: started,
      updated_ms: state === "not_started" ? null : run.startedAt + Math.min(Math.max(t, seg.start), seg.end === Infinity ? t : seg.end),
      summary,
      error: state === "failed" ? failureMessage(seg) : null,
      external_id: build?.id ?? null,
      external_url: seg.kind === "build" && build ? `${CONSOLE}/codesuite/codebuild/${ACCOUNT}/projects/${names(spec.app.name).buildProject}/build/${encodeURIComponent(build.id)}/?region=${REGION}` : null,
      build,
    };
    let stage = stages.find((s) => s.name === seg.stage);
    if (!stage) {
      stage = { name: seg.stage, state: "not_started", actions: [] };
      stages.push(stage);
    }
    stage.actions.push(action);
  });
  for (const s of stages) s.state = stageState(s.actions);
  const all = states;
  let state: NodeState;
  let status: string;
  if (all.includes("failed")) [state, status] = ["failed", "Failed"];
  else if (stopT !== null && t >= stopT) [state, status] = all.includes("in_progress") ? ["stopping", "Stopping"] : ["stopped", "Stopped"];
  else if (all.every((s) => s === "succeeded")) [state, status] = ["succeeded", "Succeeded"];
  else [state, status] = ["in_progress", "InProgress"];
  return { state, status, stages, updated: state === "in_progress" || state === "stopping" ? t : updated, builds, failedSeg };
}

function failureMessage(seg: Segment): string {
  if (seg.kind === "source") return "The connection is not available (status: PENDING). Update the connection in the AWS console, then try again.";
  if (seg.kind === "build") return "Build terminated with state: FAILED. Phase: BUILD, Code: COMMAND_EXECUTION_ERROR, Message: Error while executing command: npm run build --prefix static. Reason: exit status 1";
  return "Deployment ecs-svc/7 failed: ECS deployment circuit breaker: tasks failed to start. The service was rolled back to shop-api:6.";
}

function summaryOf(run: MockRun, spec: ProjectSpec, now: number): PipelineRun {
  if (run.practice) {
    return { id: run.id, status: "Succeeded", status_summary: null, trigger: run.trigger, started_ms: run.startedAt, updated_ms: run.startedAt + 900, duration_ms: 900, revisions: [run.revision] };
  }
  const pl = play(run, spec, now);
  const ended = pl.state !== "in_progress" && pl.state !== "stopping";
  return {
    id: run.id,
    status: pl.status,
    status_summary: run.stop ? (run.stop.abandon ? "Stopped and abandoned by lan" : "Stopped by lan") : null,
    trigger: run.trigger,
    started_ms: run.startedAt,
    updated_ms: run.startedAt + pl.updated,
    duration_ms: ended ? pl.updated : null,
    revisions: [run.revision],
  };
}

/** The failed build's last lines; CodeBuild's own lines stamped at `at` (Unix ms). */
function buildTail(at: number): string[] {
  return BUILD_TAIL.map((l) => l.replace(/^\[Container\] \S+ \S+/, `[Container] ${STAMP(at)}`));
}

const BUILD_TAIL = [
  "> shop-static@1.0.0 build",
  "> vite build",
  "",
  "vite v5.4.8 building for production...",
  "transforming...",
  "✓ 41 modules transformed.",
  "x Build failed in 1.62s",
  'error during build:',
  '[vite]: Rollup failed to resolve import "./components/ProductGrid.svelte" from "src/main.js".',
  "This is most likely unintended because it can break your application at runtime.",
  "npm ERR! code 1",
  "npm ERR! path /codebuild/output/src2841/src/static",
  "npm ERR! command failed",
  "npm ERR! command sh -c vite build",
  "",
  "npm ERR! A complete log of this run can be found in: /root/.npm/_logs/2026-11-20T09_14_33_512Z-debug-0.log",
  "",
  "[Container] 2026/11/20 09:14:33.912 Command did not exit successfully npm run build --prefix static exit status 1",
  "[Container] 2026/11/20 09:14:33.918 Phase complete: BUILD State: FAILED",
  "[Container] 2026/11/20 09:14:33.918 Phase context status code: COMMAND_EXECUTION_ERROR Message: Error while executing command: npm run build --prefix static. Reason: exit status 1",
];

function failureOf(run: MockRun, spec: ProjectSpec, pl: Played): Failure | null {
  const seg = pl.failedSeg;
  if (!seg) return null;
  const app = spec.app.name;
  if (seg.kind === "source") {
    return {
      kind: "source",
      stage: "Source",
      action: "Source",
      title: "The pipeline could not read the source.",
      explanation: "The GitHub connection has not been approved yet, so CodePipeline may not read the repository.",
      hint: "Approve the connection in the AWS console (Developer Tools → Settings → Connections → Update pending connection), then start a new run.",
      aws_message: failureMessage(seg),
      phase: null,
      log_tail: [],
      deploy: null,
      key: "source_connection",
      params: { stage: "Source", action: "Source" },
    };
  }
  if (seg.kind === "build") {
    return {
      kind: "build_phase",
      stage: "Build",
      action: "Build",
      title: "The build failed in its BUILD phase.",
      explanation:
        "A command of the build phase (your tests, or docker build) exited with an error. CodeBuild says: COMMAND_EXECUTION_ERROR: Error while executing command: npm run build --prefix static. Reason: exit status 1",
      hint: "Read the log's last lines: they show the failing command's own error. Run the same command on your machine, fix it, then start a new run (with the S3 source, Start run uploads the folder again).",
      aws_message: failureMessage(seg),
      phase: "BUILD",
      log_tail: buildTail(run.startedAt + seg.end - 400),
      deploy: null,
      key: "build",
      params: { stage: "Build", action: "Build", phase: "BUILD", message: "COMMAND_EXECUTION_ERROR: Error while executing command: npm run build --prefix static. Reason: exit status 1" },
    };
  }
  return {
    kind: "circuit_breaker",
    stage: "Deploy",
    action: "Deploy",
    title: "The new version never became healthy, so ECS rolled the service back.",
    explanation: `ECS started tasks of the new image; they kept stopping or failing the load balancer's health check, so the deployment circuit breaker stopped the rollout and went back to ${app}:6. The previous version is still serving.`,
    hint: "Open the service's rollout (step 4) and read why the tasks stopped: a crash at start (the app's log), a wrong port, or a health path that does not answer 200. Fix it, then start a new run.",
    aws_message: failureMessage(seg),
    phase: null,
    log_tail: [],
    key: "circuit_breaker",
    params: { stage: "Deploy", action: "Deploy", serving: `${app}:6` },
    deploy: {
      failed_task_definition: `${app}:7`,
      failed_reason: "ECS deployment circuit breaker: tasks failed to start.",
      serving_task_definition: `${app}:6`,
      rolled_back: true,
      events: [
        `(service ${app}) has reached a steady state.`,
        `(service ${app}) rolling back to deployment ecs-svc/6.`,
        `(service ${app}) (deployment ecs-svc/7) deployment failed: tasks failed to start.`,
        `(service ${app}) has stopped 1 running tasks: (task 9c2e4a7b1f3d4e5a8b6c7d8e9f0a1b2c). Reason: Essential container in task exited`,
        `(service ${app}) has stopped 1 running tasks: (task 4f1a2b3c4d5e6f708192a3b4c5d6e7f8). Reason: Essential container in task exited`,
        `(service ${app}) has started 2 tasks: (task 4f1a2b3c4d5e6f708192a3b4c5d6e7f8) (task 9c2e4a7b1f3d4e5a8b6c7d8e9f0a1b2c).`,
      ],
    },
  };
}

function findRun(p: MockProject, scenario: string, id: string): MockRun {
  const run = stateOf(p, scenario).runs.find((r) => r.id === id);
  if (!run) throw { code: "invalid_input", message: `Run ${id} of pipeline ${specOf(p).app.name} was not found.`, hint: "Refresh the list of runs." };
  return run;
}

function notFound(p: MockProject): ErrorBody {
  return { code: "invalid_input", message: `There is no pipeline ${specOf(p).app.name} in ${REGION} (practice).`, hint: "Create it with `slipway pipeline apply`." };
}

export function pipelineRuns(p: MockProject, scenario: string): PipelineRun[] {
  const s = stateOf(p, scenario);
  if (!s.resources?.pipeline) throw notFound(p);
  const now = Date.now();
  return s.runs.slice(0, 20).map((r) => summaryOf(r, specOf(p), now));
}

export function startRun(p: MockProject, scenario: string, practice: boolean): string {
  const s = stateOf(p, scenario);
  if (!s.resources?.pipeline) throw notFound(p);
  const r = newRun(s, "StartPipelineExecution", practice);
  s.runs.unshift(r);
  return r.id;
}

export function runView(p: MockProject, scenario: string, id: string | null): RunView {
  const s = stateOf(p, scenario);
  if (!s.resources?.pipeline) throw notFound(p);
  const spec = specOf(p);
  const run = id ? findRun(p, scenario, id) : s.runs[0];
  if (!run) throw { code: "invalid_input", message: `Pipeline ${spec.app.name} has no run yet.`, hint: "Start one with Start run." };
  const now = Date.now();
  if (run.practice) {
    const stages: StageView[] = segments(run, spec).reduce<StageView[]>((out, seg) => {
      const a: ActionView = { name: seg.action, kind: seg.kind, provider: seg.provider, run_order: seg.runOrder, state: "unknown", started_ms: null, updated_ms: null, summary: null, error: null, external_id: null, external_url: null, build: null };
      const st = out.find((x) => x.name === seg.stage);
      if (st) st.actions.push(a);
      else out.push({ name: seg.stage, state: "unknown", actions: [a] });
      return out;
    }, []);
    return {
      pipeline: spec.app.name,
      run: summaryOf(run, spec, now),
      state: "succeeded",
      revision: run.revision,
      revision_summary: run.revisionSummary,
      stages,
      failure: null,
      actions_unavailable: {
        code: "practice_unsupported",
        message: "The practice emulator does not report what each action did (ListActionExecutions), and it runs no build or deploy: its runs are marked Succeeded at once.",
        hint: "The run and its status are real; to watch real stages, builds and logs, use an AWS profile.",
      },
      retryable_stage: null,
      stoppable: false,
    };
  }
  const pl = play(run, spec, now);
  const failure = failureOf(run, spec, pl);
  return {
    pipeline: spec.app.name,
    run: summaryOf(run, spec, now),
    state: pl.state,
    revision: run.revision,
    revision_summary: run.revisionSummary,
    stages: pl.stages,
    failure,
    actions_unavailable: null,
    retryable_stage: failure ? failure.stage : null,
    stoppable: pl.state === "in_progress",
  };
}

export function stopRun(p: MockProject, scenario: string, id: string, abandon: boolean): null {
  const run = findRun(p, scenario, id);
  if (run.practice) {
    throw { code: "practice_unsupported", message: "The practice emulator does not implement StopPipelineExecution: its runs end at once, so there is nothing to stop or retry.", hint: "Use an AWS profile to stop or retry real runs." };
  }
  const state = play(run, specOf(p), Date.now()).state;
  if (state !== "in_progress") throw { code: "invalid_input", message: `Run ${id} is not in progress (${state}); there is nothing to stop.`, hint: "Refresh the run." };
  run.stop = { at: Date.now(), abandon };
  return null;
}

export function retryStage(p: MockProject, scenario: string, id: string, stage: string): string {
  const run = findRun(p, scenario, id);
  const pl = play(run, specOf(p), Date.now());
  if (pl.state !== "failed" || pl.failedSeg?.stage !== stage) {
    throw { code: "invalid_input", message: `Stage ${stage} of run ${id} cannot be retried: it has not failed, the run has moved on, or the pipeline changed since.`, hint: "Start a new run instead." };
  }
  // The mock's retried attempt succeeds (a flaky test, a deploy that timed out), played fast.
  run.retry = { stage, at: Date.now(), stream: stage === "Build" ? uuid() : run.stream, scale: 0.08 };
  return run.id;
}

// ---------------------------------------------------------------------------------------------
// A build's log

const STAMP = (ms: number) => {
  const d = new Date(ms);
  const p2 = (n: number) => String(n).padStart(2, "0");
  return `${d.getUTCFullYear()}/${p2(d.getUTCMonth() + 1)}/${p2(d.getUTCDate())} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}.${String(d.getUTCMilliseconds()).padStart(3, "0")}`;
};

const DOCKER_STEPS = [
  "#0 building with \"default\" instance using docker driver",
  "#1 [internal] load build definition from Dockerfile",
  "#1 transferring dockerfile: 612B done",
  "#2 [internal] load metadata for docker.io/library/python:3.12-slim-bookworm",
  "#3 [internal] load .dockerignore",
  "#4 [1/6] FROM docker.io/library/python:3.12-slim-bookworm@sha256:2b0079146a74e23bf4ae8f6a28e1b484c6292f6fb904cbb51825b4a19812fcd8",
  "#5 [internal] load build context",
  "#5 transferring context: 1.41MB 0.1s done",
  "#6 [2/6] WORKDIR /app",
  "#7 [3/6] COPY requirements.txt ./",
  "#8 [4/6] RUN pip install -r requirements.txt",
  "#8 2.314 Collecting flask==3.0.3 (from -r requirements.txt (line 1))",
  "#8 2.701 Collecting gunicorn==22.0.0 (from -r requirements.txt (line 2))",
  "#8 3.122 Collecting Werkzeug>=3.0.0 (from flask==3.0.3)",
  "#8 3.480 Collecting Jinja2>=3.1.2 (from flask==3.0.3)",
  "#8 4.916 Installing collected packages: MarkupSafe, itsdangerous, click, blinker, Werkzeug, Jinja2, gunicorn, flask",
  "#8 7.204 Successfully installed Jinja2-3.1.4 MarkupSafe-2.1.5 Werkzeug-3.0.4 blinker-1.8.2 click-8.1.7 flask-3.0.3 gunicorn-22.0.0 itsdangerous-2.2.0",
  "#9 [5/6] COPY . .",
  "#10 [6/6] RUN python -m compileall -q /app",
  "#11 exporting to image",
  "#11 exporting layers 0.8s done",
  "#11 writing image sha256:7d2c9e1f4a3b5c6d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d done",
];

/** Every line the build has written by `now`, with the time it was written. */
function logLines(run: MockRun, spec: ProjectSpec, stream: string, now: number): BuildLogLine[] {
  const pl = play(run, spec, now);
  const b = pl.builds.find((x) => x.info.log_stream === stream);
  if (!b) return [];
  const out: BuildLogLine[] = [];
  const { outcome, scale } = attempt(run, "Build");
  let t = run.startedAt + b.seg.start;
  const uri = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/${spec.app.name}`;
  const c = (at: number, text: string) => out.push({ at_ms: at, message: `[Container] ${STAMP(at)} ${text}` });
  const plain = (at: number, text: string) => out.push({ at_ms: at, message: text });
  const tests = spec.pipeline?.build.test_commands ?? [];
  for (const [name, ms, fails] of buildPhases(outcome, scale)) {
    const start = t;
    const every = (lines: string[], span: number, container = false) =>
      lines.forEach((l, i) => (container ? c : plain)(start + Math.min(span, ms) * ((i + 1) / (lines.length + 1)), l));
    switch (name) {
      case "PROVISIONING":
        every(["Waiting for agent ping", "Waiting for DOWNLOAD_SOURCE"], ms, true);
        break;
      case "DOWNLOAD_SOURCE":
        every(
          ["Phase is DOWNLOAD_SOURCE", "CODEBUILD_SRC_DIR=/codebuild/output/src2841/src", "YAML location is /codebuild/output/src2841/src/buildspec.yml", "Setting HTTP client timeout to higher timeout for S3 source", "Processing environment variables"],
          ms,
          true,
        );
        break;
      case "INSTALL":
        every(["Moving to directory /codebuild/output/src2841/src", "Phase complete: INSTALL State: SUCCEEDED"], ms, true);
        break;
      case "PRE_BUILD":
        c(start + 100, "Entering phase PRE_BUILD");
        c(start + 300, `Running command echo "Logging in to ${uri.split("/")[0]}"`);
        plain(start + 500, `Logging in to ${uri.split("/")[0]}`);
        c(start + 700, "Running command aws ecr get-login-password --region \"$AWS_DEFAULT_REGION\" | docker login --username AWS --password-stdin \"${REPOSITORY_URI%%/*}\"");
        plain(start + ms * 0.7, "WARNING! Your password will be stored unencrypted in /root/.docker/config.json.");
        plain(start + ms * 0.75, "Login Succeeded");
        c(start + ms * 0.8, "Running command IMAGE_TAG=\"${COMMIT:-build-$CODEBUILD_BUILD_NUMBER}\"");
        plain(start + ms * 0.9, `This build is tagged build-${run.buildNumber}`);
        c(start + ms * 0.98, "Phase complete: PRE_BUILD State: SUCCEEDED");
        break;
      case "BUILD": {
        c(start + 100, "Entering phase BUILD");
        if (fails) {
          c(start + 400, `Running command ${tests[0] ?? "npm run build --prefix static"}`);
          buildTail(start + ms - 400).forEach((l, i) => (l.startsWith("[Container]") ? out.push({ at_ms: start + ms - 400 + i, message: l }) : plain(start + 2_000 + i * ((ms - 3_000) / BUILD_TAIL.length), l)));
          break;
        }
        let at = start + 400;
        for (const cmd of tests) {
          c(at, `Running command ${cmd}`);
          plain(at + 800, "✓ 43 modules transformed.");
          plain(at + 1200, "dist/assets/index-4f2a1b9c.js  48.21 kB │ gzip: 15.73 kB");
          at += 4_000 * Math.max(scale, 0.1);
        }
        c(at, 'Running command docker build --platform "$PLATFORM" -f "$DOCKERFILE" -t "$REPOSITORY_URI:$IMAGE_TAG" "$BUILD_CONTEXT"');
        if (ms === Infinity) {
          // A build still going: a line every 1.2 s, from the steps above and then pip's progress.
          const from = at + 300;
          const count = Math.max(0, Math.floor((now - from) / 1200) + 1);
          for (let i = 0; i < Math.min(count, 4000); i++) plain(from + i * 1200, i < DOCKER_STEPS.length - 4 ? DOCKER_STEPS[i]! : `#10 ${(i * 1.2).toFixed(3)} compiling /app/shop/${["views", "models", "cart", "checkout", "search"][i % 5]}/module_${i}.py`);
        } else {
          DOCKER_STEPS.forEach((l, i) => plain(at + 300 + ((ms - 1500 - (at - start)) * i) / DOCKER_STEPS.length, l));
          c(start + ms - 200, "Phase complete: BUILD State: SUCCEEDED");
        }
        break;
      }
      case "POST_BUILD":
        every(
          [
            "[Container] Entering phase POST_BUILD",
            `The push refers to repository [${uri}]`,
            "5f70bf18a086: Pushed",
            "a1c3e9d2b4f6: Pushed",
            "e81bff2725db: Layer already exists",
            `build-${run.buildNumber}: digest: sha256:4a7c1e9b2d3f5a6c8e0b1d2f3a4c5e6b7d8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b size: 2204`,
            `[{"name":"${spec.app.name}","imageUri":"${uri}:build-${run.buildNumber}"}]`,
            "[Container] Phase complete: POST_BUILD State: SUCCEEDED",
          ],
          ms,
        );
        break;
      case "UPLOAD_ARTIFACTS":
        every(["Expanding base directory path: .", "Found 1 file(s)", "Phase complete: UPLOAD_ARTIFACTS State: SUCCEEDED"], ms, true);
        break;
    }
    if (ms === Infinity) break;
    t += ms;
  }
  return out.filter((l) => l.at_ms <= now).sort((a, b) => a.at_ms - b.at_ms);
}

export function buildLog(group: string, stream: string, token: string | null): LogPage {
  if (!group.startsWith("/aws/codebuild/")) {
    throw { code: "invalid_input", message: `${group} is not a CodeBuild log group.`, hint: "Open the log from a build in the Pipeline step." };
  }
  for (const [path, s] of states) {
    for (const run of s.runs) {
      if (run.stream !== stream && run.retry?.stream !== stream) continue;
      const spec = specs.get(path);
      if (!spec) break;
      const all = logLines(run, spec, stream, Date.now());
      const from = token ? Number(token.replace(/^f\//, "")) : 0;
      const lines = all.slice(from, from + 500);
      return { lines, next_token: `f/${from + lines.length}` };
    }
  }
  throw { code: "aws_call_failed", message: `The log stream ${stream} does not exist in ${group} (yet).`, hint: "A build's log appears a few seconds after it starts." };
}

/** The spec each project's runs were played with (build_log names no project). */
const specs = new Map<string, ProjectSpec>();

export function handles(cmd: string, args: Record<string, unknown>): boolean {
  if (cmd === "cancel_operation") return operations.has(String(args.operation));
  return [
    "pipeline_buildspec",
    "check_buildspec",
    "plan_pipeline",
    "apply_pipeline",
    "plan_pipeline_destroy",
    "destroy_pipeline",
    "pipeline_runs",
    "start_pipeline_run",
    "pipeline_run",
    "stop_pipeline_run",
    "retry_pipeline_stage",
    "build_log",
  ].includes(cmd);
}

export async function dispatch(cmd: string, a: Record<string, unknown>, folder: (path: unknown) => MockProject, scenario: string, practice: boolean): Promise<unknown> {
  const p = () => {
    const project = folder(a.path);
    if (project.spec) specs.set(project.path, project.spec);
    return project;
  };
  switch (cmd) {
    case "pipeline_buildspec":
      await sleep(90);
      return buildspecInfo(p());
    case "check_buildspec":
      return checkBuildspec(String(a.text), specOf(p()).app.name);
    case "plan_pipeline":
      await sleep(400);
      return planPipeline(p(), scenario, practice);
    case "apply_pipeline":
      return applyPipeline(p(), scenario, practice, a.expected as Plan, String(a.operation), a.onEvent as Channel<ApplyEvent>);
    case "plan_pipeline_destroy":
      await sleep(250);
      return planDestroy(p(), scenario);
    case "destroy_pipeline":
      return destroyPipeline(p(), scenario, String(a.operation), a.onEvent as Channel<ApplyEvent>);
    case "pipeline_runs":
      await sleep(120);
      return pipelineRuns(p(), scenario);
    case "start_pipeline_run":
      await sleep(300);
      return startRun(p(), scenario, practice);
    case "pipeline_run":
      await sleep(150);
      return runView(p(), scenario, (a.run as string | null) ?? null);
    case "stop_pipeline_run":
      await sleep(200);
      return stopRun(p(), scenario, String(a.run), Boolean(a.abandon));
    case "retry_pipeline_stage":
      await sleep(200);
      return retryStage(p(), scenario, String(a.run), String(a.stage));
    case "build_log":
      await sleep(60);
      return buildLog(String(a.group), String(a.stream), (a.token as string | null) ?? null);
    case "cancel_operation":
      return true;
    default:
      throw { code: "internal", message: `the mock's step 5 does not know '${cmd}'`, hint: "" };
  }
}
