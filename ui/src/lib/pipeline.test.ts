import { beforeEach, describe, expect, it, vi } from "vitest";
import { mockSpec } from "../mocks/spec";
import type { ApplyEvent, BuildspecInfo, LogPage, PipelineOutcome, PipelinePlan, PipelineRun, ProjectSpec, RunView } from "./bindings";

// The backend, faked: each test says what a command answers; channels deliver synchronously.
const fake = vi.hoisted(() => ({
  spec: null as unknown,
  saved: [] as unknown[],
  refuse: null as unknown,
  files: [] as { text: string; expected: string | null }[],
  buildspec: null as unknown,
  runs: [] as unknown[] | Error,
  started: "",
  views: {} as Record<string, unknown>,
  pages: [] as unknown[],
  logCalls: [] as (string | null)[],
  plans: [] as unknown[],
  apply: null as null | ((channel: { onmessage: (m: unknown) => void }) => Promise<unknown>),
  retried: [] as string[],
}));
vi.mock("./backend", async () => {
  const actual = await vi.importActual<typeof import("./backend")>("./backend");
  class FakeChannel {
    onmessage: (m: unknown) => void = () => {};
  }
  return {
    ...actual,
    Channel: FakeChannel,
    loadSpec: async () => structuredClone(fake.spec),
    saveSpec: async (_path: string, s: ProjectSpec) => {
      if (fake.refuse) throw fake.refuse;
      fake.saved.push(s);
      fake.spec = s;
      return s;
    },
    pipelineBuildspec: async () => structuredClone(fake.buildspec),
    saveProjectFile: async (_path: string, _name: string, text: string, expected: string | null) => {
      fake.files.push({ text, expected });
      const info = fake.buildspec as BuildspecInfo;
      if (info.existing !== expected) throw { code: "would_overwrite", message: "changed on disk", hint: "" };
      fake.buildspec = { ...info, existing: text, summary: null, problem: null };
      return null;
    },
    pipelineRuns: async () => {
      if (fake.runs instanceof Error) throw { code: "invalid_input", message: "There is no pipeline shop-api in us-east-1 (practice).", hint: "" };
      return structuredClone(fake.runs);
    },
    startPipelineRun: async () => fake.started,
    pipelineRun: async (_path: string, run: string) => structuredClone(fake.views[run]),
    buildLog: async (_group: string, _stream: string, token: string | null) => {
      fake.logCalls.push(token);
      return fake.pages.shift() ?? { lines: [], next_token: token };
    },
    planPipeline: async () => structuredClone(fake.plans.shift()),
    applyPipeline: (_path: string, _plan: unknown, _op: string, channel: { onmessage: (m: unknown) => void }) => fake.apply!(channel),
    retryPipelineStage: async (_path: string, run: string, stage: string) => {
      fake.retried.push(stage);
      return run;
    },
    cancelOperation: async () => true,
  };
});

const p = await import("./pipeline.svelte");

const base = mockSpec({ name: "shop-api", path: ".", dockerfile: "Dockerfile", port: 5000, health_path: "/health" });
const withPipeline: ProjectSpec = {
  ...base,
  pipeline: {
    source: { kind: "s3", key: null },
    build: { compute_type: "small", image: null, test_commands: [], timeout_minutes: 30 },
    deploy: { strategy: "rolling", approval: false, smoke_test: false, timeout_minutes: 15 },
  },
};
const info = (existing: string | null): BuildspecInfo => ({ generated: "version: 0.2\n", existing, container: "shop-api", summary: null, problem: null });
const run = (id: string, status: string): PipelineRun => ({ id, status, status_summary: null, trigger: "StartPipelineExecution", started_ms: 1, updated_ms: 2, duration_ms: null, revisions: [] });
const build = { id: "b", status: "FAILED", current_phase: "COMPLETED", phases: [], log_group: "/aws/codebuild/shop-api-build", log_stream: "s1", log_link: null };
const view = (id: string, state: RunView["state"], buildState: RunView["state"], stream = "s1"): RunView => ({
  pipeline: "shop-api",
  run: run(id, state === "failed" ? "Failed" : "InProgress"),
  state,
  revision: null,
  revision_summary: null,
  stages: [
    {
      name: "Build",
      state: buildState,
      actions: [
        {
          name: "Build",
          kind: "build",
          provider: "CodeBuild",
          run_order: 1,
          state: buildState,
          started_ms: 1,
          updated_ms: 2,
          summary: null,
          error: null,
          external_id: null,
          external_url: null,
          build: { ...build, log_stream: stream, status: buildState === "in_progress" ? "IN_PROGRESS" : "FAILED" },
        },
      ],
    },
  ],
  failure: null,
  actions_unavailable: null,
  retryable_stage: state === "failed" ? "Build" : null,
  stoppable: state === "in_progress",
});
const page = (from: number, n: number, token: string): LogPage => ({ lines: Array.from({ length: n }, (_, i) => ({ at_ms: from + i, message: `l${from + i}` })), next_token: token });
const flush = () => new Promise((r) => setTimeout(r, 0));

let n = 0;
let path = "";
beforeEach(() => {
  path = `/home/lan/shop-api-${++n}`;
  Object.assign(fake, { spec: structuredClone(base), saved: [], refuse: null, files: [], buildspec: info(null), runs: [], started: "", views: {}, pages: [], logCalls: [], plans: [], apply: null, retried: [] });
});

describe("setting the pipeline up", () => {
  it("opens the form on the S3 source when slipway.toml has no pipeline, and saves it as [pipeline]", async () => {
    const s = p.pipelineSessionFor(path);
    await p.loadPipelineSpec(s);
    expect(s.setup.editing).toBe(true);
    expect(s.setup.form?.source).toBe("s3");
    expect(await p.saveSetup(s)).toBe(true);
    expect(fake.saved).toHaveLength(1);
    expect((fake.saved[0] as ProjectSpec).pipeline?.source).toEqual({ kind: "s3", key: null });
    expect(s.setup.editing).toBe(false);
    await flush();
    expect(s.buildspec.info?.generated).toBe("version: 0.2\n");
  });

  it("puts the backend's refusal at the field it names", async () => {
    const s = p.pipelineSessionFor(path);
    await p.loadPipelineSpec(s);
    fake.refuse = { code: "spec_invalid", message: "slipway.toml has 1 problem(s): pipeline.build.timeout_minutes: CodeBuild accepts 5 to 480 minutes", hint: "" };
    expect(await p.saveSetup(s)).toBe(false);
    expect(s.setup.fields).toEqual({ "pipeline.build.timeout_minutes": "CodeBuild accepts 5 to 480 minutes" });
    expect(s.setup.editing).toBe(true);
  });
});

describe("writing buildspec.yml", () => {
  it("creates a missing file at once", async () => {
    fake.spec = structuredClone(withPipeline);
    const s = p.pipelineSessionFor(path);
    await p.loadPipelineSpec(s);
    await p.loadBuildspec(s);
    await p.writeBuildspec(s);
    expect(fake.files).toEqual([{ text: "version: 0.2\n", expected: null }]);
    expect(s.buildspec.info?.existing).toBe("version: 0.2\n");
  });

  it("asks before replacing a different file, and then replaces only the file it checked", async () => {
    fake.spec = structuredClone(withPipeline);
    fake.buildspec = info("version: 0.2\n# mine\n");
    const s = p.pipelineSessionFor(path);
    await p.loadBuildspec(s);
    await p.writeBuildspec(s);
    expect(s.buildspec.asking).toBe(true);
    expect(fake.files).toEqual([]);
    await p.writeBuildspec(s, true);
    expect(fake.files).toEqual([{ text: "version: 0.2\n", expected: "version: 0.2\n# mine\n" }]);
    expect(s.buildspec.asking).toBe(false);
  });

  it("reads the file again when it changed on disk meanwhile, and writes nothing", async () => {
    fake.buildspec = info("a\n");
    const s = p.pipelineSessionFor(path);
    await p.loadBuildspec(s);
    fake.buildspec = info("b\n");
    await p.writeBuildspec(s, true);
    expect(s.buildspec.writeError?.code).toBe("would_overwrite");
    expect(s.buildspec.info?.existing).toBe("b\n");
  });
});

describe("applying", () => {
  const planned: PipelinePlan = {
    plan: { project: "shop-api", steps: [{ key: "pipeline", kind: "pipeline", name: "shop-api", action: "create", reason: "", purpose: "", changes: [], calls: [], deps: [], id: null }], critical_path: 1 },
    cost: { region: "us-east-1", region_priced: true, lines: [], hourly: 0, daily: 0, monthly: 2.72, assumptions: [], source: "" },
    connection: null,
  };

  it("folds each step's event into the progress, then awaits the run Slipway started", async () => {
    fake.spec = structuredClone(withPipeline);
    fake.plans = [planned];
    const s = p.pipelineSessionFor(path);
    await p.makePipelinePlan(s);
    let seen = "";
    fake.apply = async (channel) => {
      channel.onmessage({ kind: "step_started", key: "pipeline", action: "create" } satisfies ApplyEvent);
      seen = s.apply.progress.steps.pipeline!.status;
      channel.onmessage({ kind: "step_done", key: "pipeline", action: "create", id: "arn", duration_ms: 5 } satisfies ApplyEvent);
      return { report: { run_id: 1, done: ["pipeline"], failed: null, cancelled: false, duration_ms: 5 }, started_run: "r9", connection: null, cost: planned.cost } satisfies PipelineOutcome;
    };
    fake.runs = [];
    await p.startPipelineApply(s);
    expect(seen).toBe("running");
    expect(s.apply.progress.steps.pipeline!.status).toBe("done");
    expect(p.applySucceeded(s)).toBe(true);
    expect(s.runs.awaiting).toBe("r9");
  });

  it("plans again instead of applying when what exists changed, and says why", async () => {
    fake.plans = [planned, planned];
    const s = p.pipelineSessionFor(path);
    await p.makePipelinePlan(s);
    fake.apply = async () => {
      throw { code: "invalid_input", message: "What exists (or the project folder) changed since the plan was made; nothing was applied.", hint: "Look again." };
    };
    await p.startPipelineApply(s);
    await flush();
    await flush();
    expect(s.apply.startedAt).toBeNull();
    expect(s.plan.replanned?.message).toMatch(/changed since the plan/);
    expect(s.plan.result).not.toBeNull();
  });
});

describe("runs", () => {
  it("knows there is no pipeline yet from the backend's answer, not as an error", async () => {
    fake.runs = new Error("none");
    const s = p.pipelineSessionFor(path);
    await p.loadRuns(s);
    expect(s.runs.exists).toBe(false);
    expect(s.runs.error).toBeNull();
  });

  it("shows the newest run first, and a started run as soon as the list has it", async () => {
    fake.runs = [run("r1", "Succeeded")];
    fake.views = { r1: view("r1", "succeeded", "succeeded"), r2: view("r2", "in_progress", "in_progress", "s2") };
    const s = p.pipelineSessionFor(path);
    await p.loadRuns(s);
    expect(s.run.id).toBe("r1");
    fake.started = "r2";
    fake.runs = [run("r1", "Succeeded")];
    await p.startRun(s);
    expect(s.runs.awaiting).toBe("r2");
    expect(s.run.id).toBe("r1");
    fake.runs = [run("r2", "InProgress"), run("r1", "Succeeded")];
    await p.loadRuns(s);
    expect(s.runs.awaiting).toBeNull();
    expect(s.run.id).toBe("r2");
  });

  it("opens the failed build's log by itself, reads on with the token, and takes the same token back as nothing new", async () => {
    fake.runs = [run("r1", "Failed")];
    fake.views = { r1: view("r1", "failed", "failed") };
    fake.pages = [page(0, 3, "t1"), { lines: [], next_token: "t1" }];
    const s = p.pipelineSessionFor(path);
    await p.loadRuns(s);
    await flush();
    await flush();
    expect(s.log.key).toBe("Build/Build");
    expect(s.log.follow.lines.map((l) => l.message)).toEqual(["l0", "l1", "l2"]);
    await p.readLog(s);
    expect(fake.logCalls).toEqual([null, "t1"]);
    expect(s.log.follow.lines).toHaveLength(3);
    expect(s.log.reads).toBe(2);
    expect(p.logLive(s)).toBe(false);
  });

  it("retries the failed stage and follows the new build's log", async () => {
    fake.runs = [run("r1", "Failed")];
    fake.views = { r1: view("r1", "failed", "failed") };
    fake.pages = [page(0, 2, "t1")];
    const s = p.pipelineSessionFor(path);
    await p.loadRuns(s);
    await flush();
    await flush();
    fake.views = { r1: view("r1", "in_progress", "in_progress", "s2") };
    fake.pages = [page(10, 1, "u1")];
    await p.retryStage(s);
    await flush();
    await flush();
    expect(fake.retried).toEqual(["Build"]);
    expect(s.log.stream).toBe("s2");
    expect(s.log.follow.lines.map((l) => l.message)).toEqual(["l10"]);
    expect(p.logLive(s)).toBe(true);
  });
});
