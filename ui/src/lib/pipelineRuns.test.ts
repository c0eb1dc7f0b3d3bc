import { describe, expect, it } from "vitest";
import type { ActionView, BuildPhase, PipelineRun, RunView, StageView } from "./bindings";
import {
  actionDuration,
  buildRunning,
  findAction,
  formatSpan,
  interestingBuild,
  NODE_STATES,
  phaseStrip,
  runDuration,
  runsRefreshDelay,
  runState,
  shortRevision,
  toneOf,
  triggerKey,
  viewRefreshDelay,
} from "./pipelineRuns";

const run = (id: string, status: string, extra: Partial<PipelineRun> = {}): PipelineRun => ({
  id,
  status,
  status_summary: null,
  trigger: "StartPipelineExecution",
  started_ms: 1_000,
  updated_ms: 61_000,
  duration_ms: status === "InProgress" ? null : 60_000,
  revisions: [],
  ...extra,
});

const action = (name: string, state: ActionView["state"], extra: Partial<ActionView> = {}): ActionView => ({
  name,
  kind: "build",
  provider: "CodeBuild",
  run_order: 1,
  state,
  started_ms: 10_000,
  updated_ms: 70_000,
  summary: null,
  error: null,
  external_id: null,
  external_url: null,
  build: null,
  ...extra,
});

const view = (state: RunView["state"], stages: StageView[]): RunView => ({
  pipeline: "shop-api",
  run: run("r1", state === "in_progress" ? "InProgress" : "Succeeded"),
  state,
  revision: null,
  revision_summary: null,
  stages,
  failure: null,
  actions_unavailable: null,
  retryable_stage: null,
  stoppable: false,
});

describe("node states", () => {
  it("gives every state a tone, and running ones the running tone", () => {
    const tones = NODE_STATES.map(toneOf);
    expect(tones).toEqual(["idle", "run", "ok", "fail", "run", "halt", "halt", "halt", "unknown"]);
  });

  it("reads CodePipeline's run statuses, unknown ones as unknown", () => {
    expect(runState("InProgress")).toBe("in_progress");
    expect(runState("Failed")).toBe("failed");
    expect(runState("Cancelled")).toBe("abandoned");
    expect(runState("Weird")).toBe("unknown");
  });
});

describe("durations", () => {
  it("reads as people say them", () => {
    expect(formatSpan(400)).toBe("0 s");
    expect(formatSpan(45_900)).toBe("45 s");
    expect(formatSpan(252_000)).toBe("4 min 12 s");
    expect(formatSpan(3_780_000)).toBe("1 h 03 min");
    expect(formatSpan(252_000, { h: "giờ", min: "phút", s: "giây" })).toBe("4 phút 12 giây");
  });

  it("counts a running action up to now and an ended one to its last update", () => {
    expect(actionDuration(action("Build", "in_progress"), 40_000)).toBe(30_000);
    expect(actionDuration(action("Build", "succeeded"), 999_999)).toBe(60_000);
    expect(actionDuration(action("Build", "not_started", { started_ms: null }), 1)).toBeNull();
  });

  it("counts a run in progress up to now", () => {
    expect(runDuration(run("a", "Succeeded"), 0)).toBe(60_000);
    expect(runDuration(run("a", "InProgress"), 11_000)).toBe(10_000);
  });
});

describe("refreshing", () => {
  it("looks again soon for a run just started and not listed yet", () => {
    expect(runsRefreshDelay([run("old", "Succeeded")], "new")).toBe(1500);
    expect(runsRefreshDelay([run("new", "Succeeded")], "new")).toBeNull();
  });

  it("looks every 5 s while a run is in progress or stopping, else waits for the person", () => {
    expect(runsRefreshDelay([run("a", "InProgress"), run("b", "Failed")], null)).toBe(5000);
    expect(runsRefreshDelay([run("a", "Stopping")], null)).toBe(5000);
    expect(runsRefreshDelay([run("a", "Succeeded"), run("b", "Failed")], null)).toBeNull();
    expect(runsRefreshDelay([], null)).toBeNull();
  });

  it("polls the run shown only while something in it can change", () => {
    expect(viewRefreshDelay(view("in_progress", []))).toBe(3000);
    expect(viewRefreshDelay(view("succeeded", [{ name: "Build", state: "succeeded", actions: [action("Build", "succeeded")] }]))).toBeNull();
    expect(viewRefreshDelay(null)).toBeNull();
  });
});

describe("builds", () => {
  const phase = (name: string, state: BuildPhase["state"], duration_s: number | null = 3): BuildPhase => ({ name, state, status: null, duration_s, message: null });

  it("draws every phase of the strip, not started until CodeBuild reports it", () => {
    const strip = phaseStrip([phase("SUBMITTED", "succeeded"), phase("QUEUED", "succeeded"), phase("PROVISIONING", "succeeded"), phase("BUILD", "in_progress", null)]);
    expect(strip.map((c) => c.name)).toEqual(["QUEUED", "PROVISIONING", "DOWNLOAD_SOURCE", "INSTALL", "PRE_BUILD", "BUILD", "POST_BUILD", "UPLOAD_ARTIFACTS", "FINALIZING"]);
    expect(strip.find((c) => c.name === "BUILD")?.state).toBe("in_progress");
    expect(strip.find((c) => c.name === "POST_BUILD")?.state).toBe("not_started");
  });

  it("knows a build still writes its log while IN_PROGRESS", () => {
    const b = { id: "b", status: "IN_PROGRESS", current_phase: "BUILD", phases: [], log_group: "g", log_stream: "s", log_link: null };
    expect(buildRunning(b)).toBe(true);
    expect(buildRunning({ ...b, status: "FAILED" })).toBe(false);
    expect(buildRunning({ ...b, status: null, current_phase: "COMPLETED" })).toBe(false);
    expect(buildRunning(null)).toBe(false);
  });

  it("opens the failed build's log first, else the running one's", () => {
    const b = { id: "b", status: null, current_phase: null, phases: [], log_group: "/aws/codebuild/x", log_stream: "s", log_link: null };
    const v = view("failed", [
      { name: "Source", state: "succeeded", actions: [action("Source", "succeeded", { kind: "source" })] },
      { name: "Build", state: "failed", actions: [action("Build", "failed", { build: b })] },
    ]);
    expect(interestingBuild(v)).toBe("Build/Build");
    expect(findAction(v, "Build/Build")?.state).toBe("failed");
    expect(findAction(v, "Deploy/Deploy")).toBeNull();
    expect(interestingBuild(view("succeeded", []))).toBeNull();
  });
});

describe("labels", () => {
  it("names what started a run", () => {
    expect(triggerKey("StartPipelineExecution")).toBe("manual");
    expect(triggerKey("CreatePipeline")).toBe("create");
    expect(triggerKey("WebhookV2")).toBe("webhook");
    expect(triggerKey(null)).toBe("other");
  });

  it("shortens commits and S3 versions for the table", () => {
    expect(shortRevision("3f2a1bc9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3")).toBe("3f2a1bc");
    expect(shortRevision("Wq8x3.nLk_9bT2mF0aZ1rVdP")).toBe("Wq8x3.nLk_…");
    expect(shortRevision("v12")).toBe("v12");
  });
});
