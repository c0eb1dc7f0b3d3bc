import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Channel, LoadReport, LoadSample } from "./bindings";

// The backend, faked: the load test is driven by each test through the channel it was given.
const fake = vi.hoisted(() => ({
  calls: [] as string[],
  load: null as null | ((channel: { onmessage: (m: unknown) => void }) => Promise<unknown>),
  cancelled: [] as string[],
}));
vi.mock("./backend", async () => {
  const actual = await vi.importActual<typeof import("./backend")>("./backend");
  class FakeChannel {
    onmessage: (m: unknown) => void = () => {};
  }
  return {
    ...actual,
    Channel: FakeChannel,
    experimentTarget: async () => {
      fake.calls.push("experiment_target");
      return { url: "http://127.0.0.1:8080/health", local: true, note: "Practice mode: …" };
    },
    loadTest: (path: string, url: string, requests: number, concurrency: number, operation: string, channel: Channel<LoadSample>) => {
      fake.calls.push(`load_test ${path} ${url} ${requests} ${concurrency}`);
      return fake.load!(channel as never);
    },
    cancelOperation: async (op: string) => {
      fake.cancelled.push(op);
      return true;
    },
    stopOneTask: async () => {
      fake.calls.push("stop_one_task");
      throw { code: "service_not_deployed", message: "The service shop-api is not deployed.", hint: "Apply the service (step 4) first." };
    },
  };
});

const { experimentsOf } = await import("./experiments.svelte");

const sample = (at_ms: number, sent: number): LoadSample => ({ at_ms, sent, ok: sent, failed: 0, rps: sent, p95_ms: 30 });
const report = (samples: LoadSample[], stopped_early = false): LoadReport => ({
  url: "http://127.0.0.1:8080/health",
  sent: samples.at(-1)!.sent,
  ok: samples.at(-1)!.sent,
  failed: 0,
  statuses: [{ status: 200, count: samples.at(-1)!.sent }],
  p50_ms: 20,
  p95_ms: 30,
  max_ms: 60,
  duration_ms: samples.at(-1)!.at_ms,
  rps: 100,
  samples,
  stopped_early,
});

let n = 0;
beforeEach(() => {
  fake.calls = [];
  fake.cancelled = [];
  fake.load = null;
  n += 1;
});

describe("the load test in the step", () => {
  it("prefills the URL from the backend's target once, and keeps what the learner typed", async () => {
    const run = experimentsOf(`/p${n}`, "week7", "day5-scaling").load;
    await run.loadTarget();
    await run.loadTarget();
    expect(run.url).toBe("http://127.0.0.1:8080/health");
    expect(fake.calls).toEqual(["experiment_target"]);
    const other = experimentsOf(`/q${n}`, "week7", "day5-scaling").load;
    other.url = "http://127.0.0.1:9000/";
    await other.loadTarget();
    expect(other.url).toBe("http://127.0.0.1:9000/");
  });

  it("says what is out of bounds and sends nothing", async () => {
    const run = experimentsOf(`/p${n}`, "week7", "day5-scaling").load;
    run.url = "http://127.0.0.1:8080/health";
    run.requests = 9000;
    await run.start();
    expect(run.problems.map((p) => p.field)).toEqual(["requests"]);
    expect(run.running).toBe(false);
    expect(fake.calls).toEqual([]);
  });

  it("streams samples while it runs and keeps the report at the end", async () => {
    const run = experimentsOf(`/p${n}`, "week7", "day5-scaling").load;
    run.url = " http://127.0.0.1:8080/health ";
    let finish: (r: LoadReport) => void = () => {};
    let channel: { onmessage: (m: unknown) => void } | null = null;
    fake.load = (c) => {
      channel = c;
      return new Promise((resolve) => (finish = resolve));
    };
    const started = run.start();
    expect(run.running).toBe(true);
    expect(fake.calls).toEqual(["load_test /p" + n + " http://127.0.0.1:8080/health 500 10"]);
    channel!.onmessage(sample(500, 90));
    channel!.onmessage(sample(1000, 180));
    expect(run.samples.map((s) => s.sent)).toEqual([90, 180]);
    const all = [sample(500, 90), sample(1000, 180), sample(2600, 500)];
    finish(report(all));
    await started;
    expect(run.running).toBe(false);
    expect(run.report?.sent).toBe(500);
    expect(run.samples).toEqual(all);
  });

  it("stops through cancel_operation with the run's own operation, once", async () => {
    const run = experimentsOf(`/p${n}`, "week7", "day5-scaling").load;
    run.url = "http://127.0.0.1:8080/health";
    let finish: (r: LoadReport) => void = () => {};
    fake.load = () => new Promise((resolve) => (finish = resolve));
    const started = run.start();
    const op = run.operation;
    run.stop();
    run.stop();
    expect(run.stopping).toBe(true);
    expect(fake.cancelled).toEqual([op]);
    finish(report([sample(700, 120)], true));
    await started;
    expect(run.report?.stopped_early).toBe(true);
    expect(run.stopping).toBe(false);
  });
});

describe("a one-click experiment", () => {
  it("keeps the backend's refusal to show in place, and the same state for the same step", async () => {
    const e = experimentsOf(`/p${n}`, "week7", "day5-alb");
    expect(experimentsOf(`/p${n}`, "week7", "day5-alb")).toBe(e);
    expect(experimentsOf(`/p${n}`, "ecs-workshop", "day5-alb")).not.toBe(e);
    e.stopTask.confirming = true;
    await e.stopTask.run();
    expect(e.stopTask.confirming).toBe(false);
    expect(e.stopTask.result).toBeNull();
    expect(e.stopTask.error?.code).toBe("service_not_deployed");
  });
});
