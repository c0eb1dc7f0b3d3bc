import { describe, expect, it } from "vitest";
import type { BuildEvent } from "./bindings";
import { applyBuildEvent, buildRows, cancelRows, describeRows, emptyProgress, instructionsByLine, MAX_ROW_LOGS, runningRow, stepsDone } from "./buildRows";

const plan: BuildEvent = {
  kind: "plan",
  steps: [
    { keyword: "FROM", line: 1 },
    { keyword: "WORKDIR", line: 3 },
    { keyword: "RUN", line: 5 },
    { keyword: "CMD", line: 9 },
  ],
  tags: ["shop-api:latest", "shop-api:3f2a1bc"],
  platform: "linux/amd64",
};
const fold = (events: BuildEvent[]) => events.reduce(applyBuildEvent, emptyProgress());
const started = (index: number, instruction: string, line: number | null, at_ms: number): BuildEvent => ({
  kind: "step_started", index, total: 4, instruction, line, at_ms,
});

describe("buildRows", () => {
  it("lists every planned step as pending before anything runs", () => {
    const rows = buildRows([plan]);
    expect(rows.map((r) => [r.index, r.keyword, r.line, r.status])).toEqual([
      [1, "FROM", 1, "pending"],
      [2, "WORKDIR", 3, "pending"],
      [3, "RUN", 5, "pending"],
      [4, "CMD", 9, "pending"],
    ]);
  });

  it("follows steps through running, cached and done, with logs under their step", () => {
    const rows = buildRows([
      plan,
      started(1, "FROM python:3.12-slim-bookworm", 1, 1000),
      { kind: "step_done", index: 1, layer: "4778a814b12b", at_ms: 1010 },
      started(2, "WORKDIR /app", 3, 1010),
      { kind: "step_cached", index: 2 },
      { kind: "step_done", index: 2, layer: "3ffaa071e589", at_ms: 1012 },
      started(3, "RUN pip install -r requirements.txt", 5, 1012),
      { kind: "log", step: 3, text: "Collecting flask" },
      { kind: "log", step: 3, text: "Installing collected packages: flask" },
    ]);
    expect(rows.map((r) => r.status)).toEqual(["done", "cached", "running", "pending"]);
    expect(rows[0]).toMatchObject({ instruction: "FROM python:3.12-slim-bookworm", layer: "4778a814b12b", startedAt: 1000, finishedAt: 1010 });
    expect(rows[2]!.logs).toEqual(["Collecting flask", "Installing collected packages: flask"]);
    expect(runningRow(rows)?.index).toBe(3);
    expect(stepsDone(rows)).toEqual({ done: 2, total: 4, cached: 1 });
  });

  it("marks the failing step and its line, and keeps the message", () => {
    const p = fold([
      plan,
      started(1, "FROM python:3.12-slim-bookworm", 1, 0),
      { kind: "step_done", index: 1, layer: "4778a814b12b", at_ms: 5 },
      started(3, "RUN pip install -r requirements.txt", 5, 5),
      { kind: "failed", step: 3, line: 5, message: "The command '/bin/sh -c pip install' returned a non-zero code: 1" },
    ]);
    expect(p.rows.map((r) => r.status)).toEqual(["done", "done", "failed", "pending"]);
    expect(p.failure).toEqual({ step: 3, line: 5, message: "The command '/bin/sh -c pip install' returned a non-zero code: 1" });
  });

  it("finds the failing row by its line when the step is unknown", () => {
    const rows = buildRows([plan, { kind: "failed", step: null, line: 9, message: "bad CMD" }]);
    expect(rows[3]!.status).toBe("failed");
  });

  it("works without a plan: rows appear as steps start", () => {
    const rows = buildRows([started(2, "run make", null, 0), { kind: "log", step: 2, text: "ok" }]);
    expect(rows).toHaveLength(4);
    expect(rows[1]).toMatchObject({ keyword: "RUN", instruction: "run make", status: "running", logs: ["ok"] });
    expect(rows[0]!.status).toBe("done");
  });

  it("keeps context progress, warnings once each, and lines outside steps", () => {
    const p = fold([
      plan,
      { kind: "context", files: 10, bytes: 2048, done: false },
      { kind: "context", files: 42, bytes: 9000, done: true },
      { kind: "warning", message: "big context" },
      { kind: "warning", message: "big context" },
      { kind: "log", step: null, text: "pulling" },
    ]);
    expect(p.context).toEqual({ files: 42, bytes: 9000, done: true });
    expect(p.warnings).toEqual(["big context"]);
    expect(p.logs).toEqual(["pulling"]);
    expect(p.tags).toEqual(["shop-api:latest", "shop-api:3f2a1bc"]);
  });

  it("finishes a step the builder left running when the image is built", () => {
    const p = fold([plan, started(4, 'CMD ["gunicorn"]', 9, 0), { kind: "built", image_id: "sha256:ab", tags: [], cached_steps: 0, total_steps: 4, duration_ms: 9 }]);
    expect(p.rows.map((r) => r.status)).toEqual(["done", "done", "done", "done"]);
    expect(p.built?.image_id).toBe("sha256:ab");
  });

  it("marks the running step cancelled when the build is stopped", () => {
    const p = cancelRows(fold([plan, started(1, "FROM a", 1, 0)]));
    expect(p.rows.map((r) => r.status)).toEqual(["cancelled", "pending", "pending", "pending"]);
  });

  it("bounds the log of a chatty step, keeping the newest lines", () => {
    const events: BuildEvent[] = [plan, started(3, "RUN x", 5, 0)];
    for (let i = 0; i < MAX_ROW_LOGS + 5; i++) events.push({ kind: "log", step: 3, text: `line ${i}` });
    const r = buildRows(events)[2]!;
    expect(r.logs).toHaveLength(MAX_ROW_LOGS);
    expect(r.droppedLogs).toBe(5);
    expect(r.logs.at(-1)).toBe(`line ${MAX_ROW_LOGS + 4}`);
  });

  it("shows the whole instruction on rows that have not started, from the Dockerfile", () => {
    const dockerfile = "FROM python:3.12-slim\n\nWORKDIR /app\n# deps\nRUN pip install \\\n    # pinned\n    -r requirements.txt\n\nCMD [\"gunicorn\"]\n";
    expect([...instructionsByLine(dockerfile)]).toEqual([
      [1, "FROM python:3.12-slim"],
      [3, "WORKDIR /app"],
      [5, "RUN pip install -r requirements.txt"],
      [9, 'CMD ["gunicorn"]'],
    ]);
    const p = describeRows(fold([plan, started(1, "FROM python:3.12-slim", 1, 0)]), dockerfile);
    expect(p.rows.map((r) => r.instruction)).toEqual(["FROM python:3.12-slim", "WORKDIR /app", "RUN pip install -r requirements.txt", 'CMD ["gunicorn"]']);
    // A Dockerfile that no longer matches the plan leaves the keyword alone.
    expect(describeRows(fold([plan]), "RUN x\n").rows[0]!.instruction).toBe("FROM");
  });
});
